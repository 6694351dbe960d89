/*
 * config.h for libplist 2.2.0 built for macOS (packaging/macos/deps), in
 * place of its autoconf run: the answers its configure.ac checks get on
 * macOS 10.15 and later, where libSystem has every one of these functions
 * and struct tm has tm_gmtoff and tm_zone (Apple's <time.h>, <string.h>,
 * <stdio.h> in the toolchain's macOS 11 headers, none marked newer than
 * 10.7).
 */
#define HAVE_ASPRINTF 1
#define HAVE_GMTIME_R 1
#define HAVE_LOCALTIME_R 1
#define HAVE_MEMMEM 1
#define HAVE_STPCPY 1
#define HAVE_STRCASECMP 1
#define HAVE_STRDUP 1
#define HAVE_STRERROR 1
#define HAVE_STRNDUP 1
#define HAVE_STRPTIME 1
#define HAVE_TIMEGM 1
#define HAVE_VASPRINTF 1
#define HAVE_TM_TM_GMTOFF 1
#define HAVE_TM_TM_ZONE 1
