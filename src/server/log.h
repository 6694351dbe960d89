/*
 * log.h: the server's log, one line per message on stderr (systemd's
 * journal or the service manager keeps it), prefixed with the program's
 * name. Control characters in what a client sent are replaced before
 * they reach it.
 */
#ifndef EG_SERVER_LOG_H
#define EG_SERVER_LOG_H

void srv_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
