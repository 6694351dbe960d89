/*
 * embedded.h: files of packaging/ compiled into the binary (by
 * scripts/embed at build time), so `pkgroot` and `install` write exactly
 * what the repository holds.
 */
#ifndef EG_EMBEDDED_H
#define EG_EMBEDDED_H

extern const char eg_script_preinstall[];
extern const char eg_script_postinstall[];

#endif
