/* assets.h: the dashboard's static files, embedded by scripts/embed. */
#ifndef EG_SERVER_ASSETS_H
#define EG_SERVER_ASSETS_H

extern const char eg_asset_app_js[];
extern const char eg_asset_app_css[];

#endif
