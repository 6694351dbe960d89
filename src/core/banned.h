/*
 * banned.h: functions enrollguard code must not call.
 *
 * Include it last, after every system header. Each banned name becomes a
 * call to an undeclared identifier that names the reason, so the build
 * fails at the call site (-Werror=implicit-function-declaration) and says
 * which function was used. The list follows CONVENTIONS.md item 11.
 */
#ifndef EG_BANNED_H
#define EG_BANNED_H

#define EG_BANNED(func) sorry_##func##_is_a_banned_function

#undef strcpy
#define strcpy(x, y) EG_BANNED(strcpy)
#undef strcat
#define strcat(x, y) EG_BANNED(strcat)
#undef strncpy
#define strncpy(x, y, n) EG_BANNED(strncpy)
#undef strncat
#define strncat(x, y, n) EG_BANNED(strncat)
#undef sprintf
#define sprintf(...) EG_BANNED(sprintf)
#undef vsprintf
#define vsprintf(...) EG_BANNED(vsprintf)
#undef strtok
#define strtok(x, y) EG_BANNED(strtok)
#undef strtok_r
#define strtok_r(x, y, z) EG_BANNED(strtok_r)
#undef gmtime
#define gmtime(t) EG_BANNED(gmtime)
#undef localtime
#define localtime(t) EG_BANNED(localtime)
#undef ctime
#define ctime(t) EG_BANNED(ctime)
#undef asctime
#define asctime(t) EG_BANNED(asctime)
#undef mktemp
#define mktemp(x) EG_BANNED(mktemp)
#undef atoi
#define atoi(x) EG_BANNED(atoi)
#undef atol
#define atol(x) EG_BANNED(atol)

#endif
