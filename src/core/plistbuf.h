/*
 * plistbuf.h: a libplist tree as XML in a struct eg_buf.
 */
#ifndef EG_PLISTBUF_H
#define EG_PLISTBUF_H

#include <plist/plist.h>

#include "buf.h"
#include "err.h"

/*
 * Append the XML form of `root` to out (takes ownership of root and frees
 * it). Returns EG_OK, EG_ERR_INVALID when libplist cannot write it, or
 * EG_ERR_TOO_LARGE past out's cap.
 */
enum eg_err eg_plist_to_buf(plist_t root, struct eg_buf *out);

#endif
