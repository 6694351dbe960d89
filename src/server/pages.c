/*
 * pages.c: the dashboard's HTML, rendered on the server.
 *
 * Everything a device sent goes through html_escape() (text and attribute
 * values alike) or url_escape() (links), and pages carry a
 * Content-Security-Policy that allows no inline script, so a serial
 * number of "<script>" is shown as text and never runs. app.js updates
 * the rows live from /api/v1/stream with textContent only.
 */
#include <stdio.h>
#include <string.h>

#include "pages.h"

#include "assets.h"
#include "auth.h"
#include "escape.h"
#include "filter.h"
#include "fleetstate.h"
#include "log.h"
#include "request.h"
#include "store.h"
#include "timefmt.h"
#include "banned.h"

#define PAGE_ROWS 100
#define TIMELINE_MAX 500


/* html_escape and eg_buf_addstr chained: the rc is sticky. */
struct page {
	struct eg_buf b;
	enum eg_err rc;
};

static void lit(struct page *p, const char *s)
{
	if (p->rc == EG_OK)
		p->rc = eg_buf_addstr(&p->b, s);
}

static void esc(struct page *p, const char *s)
{
	if (p->rc == EG_OK)
		p->rc = html_escape(&p->b, s);
}

static void num(struct page *p, long long v)
{
	if (p->rc == EG_OK)
		p->rc = eg_buf_addf(&p->b, "%lld", v);
}

/* The state table, for app.js: the labels are written only in core/fleetstate.c. */
static void states_attr(struct page *p)
{
	struct eg_buf json = EG_BUF_INIT(16 * 1024);

	if (p->rc == EG_OK)
		p->rc = eg_fleet_state_json(&json);
	lit(p, " data-states=\"");
	esc(p, json.buf);
	lit(p, "\"");
	eg_buf_release(&json);
}

static void head(struct page *p, const char *title, const char *body_attrs)
{
	lit(p, "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
	       "<meta name=\"viewport\" content=\"width=device-width\">"
	       "<title>");
	esc(p, title);
	lit(p, "</title><link rel=\"stylesheet\" href=\"/assets/app.css\">"
	       "<script src=\"/assets/app.js\" defer></script></head>\n<body ");
	lit(p, body_attrs);
	states_attr(p);
	lit(p, ">\n<header><a class=\"brand\" href=\"/\">enrollguard</a>"
	       "<span id=\"live\" class=\"live\">connecting</span>"
	       "<form method=\"post\" action=\"/logout\"><button>Log out</button></form>"
	       "</header>\n");
}

static enum MHD_Result send_page(struct request *req, struct page *p, unsigned status)
{
	enum MHD_Result ret;

	lit(p, "</body></html>\n");
	if (p->rc != EG_OK)
		ret = request_error(req, MHD_HTTP_SERVICE_UNAVAILABLE, RJ_STORAGE,
				 "storage_unavailable", "the page could not be built");
	else
		ret = request_reply(req, status, "text/html; charset=utf-8", p->b.buf, p->b.len);
	eg_buf_release(&p->b);
	return ret;
}

static void temp_text(const struct device *d, char *out, size_t n)
{
	if (!d->has_temp)
		snprintf(out, n, "%s", "");
	else
		snprintf(out, n, "%.1f", (double)d->temp_milli / 1000.0);
}

static int row(const struct device *d, void *arg)
{
	struct page *p = arg;
	char t[32];

	lit(p, "<tr class=\"s-");
	lit(p, eg_fleet_state_name(d->state));
	lit(p, "\" data-serial=\"");
	esc(p, d->serial);
	lit(p, "\" data-since=\"");
	num(p, d->state_since);
	lit(p, "\"><td class=\"serial\"><a href=\"/devices/");
	if (p->rc == EG_OK)
		p->rc = url_escape(&p->b, d->serial);
	lit(p, "\">");
	esc(p, d->serial);
	lit(p, "</a><div class=\"name\">");
	esc(p, d->name);
	lit(p, "</div></td><td class=\"model\">");
	esc(p, d->model);
	lit(p, "</td><td class=\"os\">");
	esc(p, d->os);
	if (d->build[0]) {
		lit(p, " (");
		esc(p, d->build);
		lit(p, ")");
	}
	lit(p, "</td><td class=\"state\"><span class=\"label\">");
	lit(p, eg_fleet_state_label(d->state));
	lit(p, "</span><div class=\"detail\">");
	esc(p, d->detail);
	lit(p, "</div></td><td class=\"attempt\">");
	if (d->attempt)
		num(p, d->attempt);
	temp_text(d, t, sizeof(t));
	lit(p, "</td><td class=\"temp\">");
	lit(p, t);
	lit(p, "</td><td class=\"pressure\">");
	esc(p, d->pressure);
	lit(p, "</td><td class=\"since\"></td><td class=\"finding\">");
	esc(p, d->finding);
	lit(p, "</td></tr>\n");
	return p->rc != EG_OK;
}

static void counts_nav(struct page *p, struct store *st, int current)
{
	int64_t counts[EG_FS_COUNT], events, all = 0;
	int i;

	if (p->rc == EG_OK)
		p->rc = store_counts(st, counts, &events);
	if (p->rc != EG_OK)
		return;
	for (i = 0; i < EG_FS_COUNT; i++)
		all += counts[i];
	lit(p, "<nav class=\"counts\"><a href=\"/\" class=\"count");
	lit(p, current < 0 ? " current" : "");
	lit(p, "\">all <b id=\"count-all\">");
	num(p, all);
	lit(p, "</b></a>");
	for (i = 0; i < EG_FS_COUNT; i++) {
		lit(p, "<a class=\"count s-");
		lit(p, eg_fleet_state_name((enum eg_fleet_state)i));
		lit(p, i == current ? " current" : "");
		lit(p, "\" href=\"/?state=");
		lit(p, eg_fleet_state_name((enum eg_fleet_state)i));
		lit(p, "\">");
		lit(p, eg_fleet_state_label((enum eg_fleet_state)i));
		lit(p, " <b id=\"count-");
		lit(p, eg_fleet_state_name((enum eg_fleet_state)i));
		lit(p, "\">");
		num(p, counts[i]);
		lit(p, "</b></a>");
	}
	lit(p, "</nav>\n");
}

static void filter_form(struct page *p, const struct store_filter *f)
{
	int i;

	lit(p, "<form class=\"filter\" method=\"get\" action=\"/\">"
	       "<input name=\"q\" placeholder=\"serial or name\" value=\"");
	esc(p, f->q ? f->q : "");
	lit(p, "\"><select name=\"state\"><option value=\"\">any state</option>");
	for (i = 0; i < EG_FS_COUNT; i++) {
		lit(p, "<option value=\"");
		lit(p, eg_fleet_state_name((enum eg_fleet_state)i));
		lit(p, i == f->state ? "\" selected>" : "\">");
		lit(p, eg_fleet_state_label((enum eg_fleet_state)i));
		lit(p, "</option>");
	}
	lit(p, "</select><button>Filter</button></form>\n");
}

/* "?state=hot&q=C02&offset=200" for the pager's links. */
static void page_link(struct page *p, const struct store_filter *f, int64_t offset)
{
	lit(p, "/?offset=");
	num(p, offset);
	if (f->state >= 0) {
		lit(p, "&amp;state=");
		lit(p, eg_fleet_state_name((enum eg_fleet_state)f->state));
	}
	if (f->q && f->q[0]) {
		lit(p, "&amp;q=");
		if (p->rc == EG_OK)
			p->rc = url_escape(&p->b, f->q);
	}
}

static void pager(struct page *p, const struct store_filter *f, int64_t total)
{
	int64_t last = f->offset + f->limit < total ? f->offset + f->limit : total;

	lit(p, "<nav class=\"pager\">");
	if (f->offset > 0) {
		lit(p, "<a rel=\"prev\" href=\"");
		page_link(p, f, f->offset > f->limit ? f->offset - f->limit : 0);
		lit(p, "\">previous</a> ");
	}
	lit(p, "<span id=\"range\">Macs ");
	num(p, total ? f->offset + 1 : 0);
	lit(p, "&ndash;");
	num(p, last);
	lit(p, " of ");
	num(p, total);
	lit(p, "</span>");
	if (last < total) {
		lit(p, " <a rel=\"next\" href=\"");
		page_link(p, f, f->offset + f->limit);
		lit(p, "\">next</a>");
	}
	lit(p, "</nav>\n");
}

static const char *arg_lookup(void *ctx, const char *name)
{
	return request_arg(ctx, name);
}

static enum MHD_Result unreadable(struct request *req)
{
	return request_storage_error(req, "the database cannot be read now");
}

enum MHD_Result pages_dashboard(struct request *req)
{
	struct page p = { EG_BUF_INIT(16 * 1024 * 1024), EG_OK };
	struct store_filter f;
	struct eg_diag d = EG_DIAG_INIT;
	struct store *st;
	int64_t total = 0;
	char why[256];

	if (!filter_parse(arg_lookup, req, PAGE_ROWS, &f, why, sizeof(why)))
		return request_error(req, MHD_HTTP_BAD_REQUEST, RJ_COUNT, "invalid", "%s", why);
	if (!(st = store_pool_get(&req->srv->pool, &d)))
		return unreadable(req);
	head(&p, "enrollguard fleet", "data-page=\"fleet\"");
	counts_nav(&p, st, f.state);
	lit(&p, "<main data-state=\"");
	lit(&p, f.state >= 0 ? eg_fleet_state_name((enum eg_fleet_state)f.state) : "");
	lit(&p, "\" data-q=\"");
	esc(&p, f.q ? f.q : "");
	lit(&p, "\" data-offset=\"");
	num(&p, f.offset);
	lit(&p, "\">");
	filter_form(&p, &f);
	lit(&p, "<table id=\"devices\"><thead><tr><th>Serial</th><th>Model</th>"
		"<th>macOS</th><th>State</th><th>Attempt</th><th>CPU &deg;C</th>"
		"<th>Pressure</th><th>In state</th><th>Last finding</th></tr></thead>\n<tbody>\n");
	if (p.rc == EG_OK)
		p.rc = store_list_devices(st, &f, row, &p, &total);
	store_pool_put(&req->srv->pool, st);
	lit(&p, "</tbody></table>\n");
	pager(&p, &f, total);
	lit(&p, "</main>\n");
	return send_page(req, &p, MHD_HTTP_OK);
}

static int timeline_row(const struct store_event_row *e, void *arg)
{
	struct page *p = arg;
	char ts[40], run[9];

	eg_format_iso(e->ts_ms, ts, sizeof(ts));
	snprintf(run, sizeof(run), "%s", e->run_id);
	lit(p, "<tr class=\"t-");
	esc(p, e->type);
	lit(p, "\"><td class=\"ts\">");
	lit(p, ts);
	lit(p, "</td><td class=\"run\">");
	esc(p, run);
	lit(p, "</td><td class=\"seq\">");
	num(p, e->seq);
	lit(p, "</td><td class=\"type\">");
	esc(p, e->type);
	if (!batch_known_type(e->type))
		lit(p, " <span class=\"unknown\" title=\"an event type this server does not "
		       "know (a newer agent): kept, and it changes no state\">unknown type</span>");
	lit(p, "</td><td class=\"text\">");
	esc(p, e->text);
	lit(p, "</td></tr>\n");
	return p->rc != EG_OK;
}

static void facts(struct page *p, const struct device *d)
{
	char t[32], ts[40];

	temp_text(d, t, sizeof(t));
	lit(p, "<dl class=\"facts\"><dt>State</dt><dd class=\"state s-");
	lit(p, eg_fleet_state_name(d->state));
	lit(p, "\">");
	lit(p, eg_fleet_state_label(d->state));
	lit(p, " <span class=\"detail\">");
	esc(p, d->detail);
	eg_format_iso(d->state_since, ts, sizeof(ts));
	lit(p, "</span></dd><dt>Since</dt><dd>");
	lit(p, ts);
	lit(p, "</dd><dt>Model</dt><dd>");
	esc(p, d->model);
	lit(p, "</dd><dt>macOS</dt><dd>");
	esc(p, d->os);
	lit(p, " ");
	esc(p, d->build);
	lit(p, " ");
	esc(p, d->arch);
	lit(p, "</dd><dt>Attempt</dt><dd>");
	num(p, d->attempt);
	lit(p, "</dd><dt>CPU &deg;C</dt><dd>");
	lit(p, t);
	lit(p, " ");
	esc(p, d->pressure);
	lit(p, "</dd><dt>Last finding</dt><dd class=\"finding\">");
	esc(p, d->finding);
	lit(p, "</dd><dt>Run</dt><dd>");
	esc(p, d->run_id);
	lit(p, "</dd><dt>Events</dt><dd>");
	num(p, d->events);
	if (d->dropped) {
		lit(p, " (");
		num(p, d->dropped);
		lit(p, " older ones dropped)");
	}
	lit(p, "</dd><dt>Device key</dt><dd class=\"key\">");
	if (d->key_hash[0]) {
		lit(p, "registered <form method=\"post\" action=\"/devices/");
		if (p->rc == EG_OK)
			p->rc = url_escape(&p->b, d->serial);
		lit(p, "/reset-key\"><button title=\"after a reset, the next batch with the "
		       "enroll token registers a new key\">Reset key</button></form>");
	} else {
		lit(p, "none (the next batch with the enroll token registers one)");
	}
	lit(p, "</dd></dl>\n");
}

enum MHD_Result pages_device(struct request *req)
{
	struct page p = { EG_BUF_INIT(16 * 1024 * 1024), EG_OK };
	struct eg_diag diag = EG_DIAG_INIT;
	const char *serial = req->param;
	struct store *st;
	struct device d;
	enum eg_err rc;

	if (!(st = store_pool_get(&req->srv->pool, &diag)))
		return unreadable(req);
	rc = store_get_device(st, serial, &d);
	if (rc != EG_OK) {
		store_pool_put(&req->srv->pool, st);
		return request_error(req, MHD_HTTP_NOT_FOUND, RJ_COUNT, "not_found",
				  "no Mac has reported that serial number");
	}
	head(&p, "enrollguard: Mac", "data-page=\"device\"");
	lit(&p, "<main id=\"device\" data-serial=\"");
	esc(&p, d.serial);
	lit(&p, "\"><h1>");
	esc(&p, d.serial);
	lit(&p, " <small>");
	esc(&p, d.name);
	lit(&p, "</small></h1>\n");
	facts(&p, &d);
	lit(&p, "<h2>Timeline (newest first)</h2><table id=\"timeline\"><thead><tr>"
		"<th>Time (UTC)</th><th>Run</th><th>Seq</th><th>Event</th><th>What happened</th>"
		"</tr></thead><tbody>\n");
	if (p.rc == EG_OK)
		p.rc = store_device_events(st, serial, TIMELINE_MAX, timeline_row, &p);
	store_pool_put(&req->srv->pool, st);
	lit(&p, "</tbody></table></main>\n");
	return send_page(req, &p, MHD_HTTP_OK);
}

static enum MHD_Result login_form(struct request *req, unsigned status, const char *msg)
{
	struct page p = { EG_BUF_INIT(64 * 1024), EG_OK };

	lit(&p, "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
		"<title>enrollguard: log in</title>"
		"<link rel=\"stylesheet\" href=\"/assets/app.css\"></head>\n<body class=\"login\">"
		"<form method=\"post\" action=\"/login\"><h1>enrollguard</h1>"
		"<label>Admin token <input type=\"password\" name=\"token\" autofocus "
		"autocomplete=\"current-password\"></label><button>Log in</button>");
	if (msg) {
		lit(&p, "<p class=\"error\">");
		esc(&p, msg);
		lit(&p, "</p>");
	}
	lit(&p, "</form>\n");
	return send_page(req, &p, status);
}

enum MHD_Result pages_login(struct request *req)
{
	return login_form(req, MHD_HTTP_OK, NULL);
}

enum MHD_Result pages_login_post(struct request *req)
{
	char cookie[160], id[65];
	const char *tok;
	char *end;

	if (req->too_large)
		return request_error(req, MHD_HTTP_CONTENT_TOO_LARGE, RJ_TOO_LARGE, "too_large",
				  "the login form is at most 4096 bytes");
	/* "token=..." is the form's only field */
	tok = strstr(req->body.buf, "token=");
	if (tok && (tok == req->body.buf || tok[-1] == '&')) {
		tok += 6;
		if ((end = strchr(tok, '&')))
			*end = '\0';
		if (url_decode((char *)tok) &&
		    auth_equal(tok, strlen(tok), req->srv->admin_token) &&
		    sessions_new(&req->srv->sessions, clock_wall_ms(&req->srv->clock), id) == EG_OK) {
			snprintf(cookie, sizeof(cookie),
				 "eg_session=%s; Path=/; HttpOnly; SameSite=Strict; Max-Age=43200%s",
				 id, req->srv->opts.tls_cert ? "; Secure" : "");
			return request_redirect(req, "/", cookie);
		}
	}
	metrics_reject(&req->srv->metrics, RJ_UNAUTHORIZED);
	return login_form(req, MHD_HTTP_UNAUTHORIZED, "That is not the admin token.");
}

enum MHD_Result pages_logout(struct request *req)
{
	const char *id = request_cookie(req, "eg_session");

	if (id)
		sessions_end(&req->srv->sessions, id);
	return request_redirect(req, "/login",
			     "eg_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
}

enum MHD_Result pages_reset_key(struct request *req)
{
	enum eg_err rc = store_reset_key_in(req->srv->opts.db, req->param);
	struct eg_buf loc = EG_BUF_INIT(1024);
	enum MHD_Result ret;

	if (rc == EG_ERR_NOT_FOUND)
		return request_error(req, MHD_HTTP_NOT_FOUND, RJ_COUNT, "not_found",
				     "no Mac has reported that serial number");
	if (rc != EG_OK)
		return request_storage_error(req, "the database cannot be written now");
	srv_log("device key of '%.64s' reset from the dashboard (%s)", req->param, req->addr);
	(void)eg_buf_addstr(&loc, "/devices/");
	(void)url_escape(&loc, req->param);
	ret = request_redirect(req, loc.buf, NULL);
	eg_buf_release(&loc);
	return ret;
}

enum MHD_Result pages_asset(struct request *req)
{
	const char *name = req->param;

	if (strcmp(name, "app.js") == 0)
		return request_reply(req, MHD_HTTP_OK, "text/javascript; charset=utf-8",
				  eg_asset_app_js, strlen(eg_asset_app_js));
	if (strcmp(name, "app.css") == 0)
		return request_reply(req, MHD_HTTP_OK, "text/css; charset=utf-8",
				  eg_asset_app_css, strlen(eg_asset_app_css));
	return request_error(req, MHD_HTTP_NOT_FOUND, RJ_COUNT, "not_found", "no such asset");
}
