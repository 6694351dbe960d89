/*
 * pages.h: the dashboard's HTML pages and assets. Each takes a request
 * whose route, session and (for forms) origin routes.c checked.
 */
#ifndef EG_SERVER_PAGES_H
#define EG_SERVER_PAGES_H

#include <microhttpd.h>

struct request;

enum MHD_Result pages_dashboard(struct request *req);
enum MHD_Result pages_device(struct request *req);
enum MHD_Result pages_reset_key(struct request *req);
enum MHD_Result pages_login(struct request *req);
enum MHD_Result pages_login_post(struct request *req);
enum MHD_Result pages_logout(struct request *req);
enum MHD_Result pages_asset(struct request *req);

#endif
