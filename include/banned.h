/*
 * banned.h: string functions that are too easy to misuse (after git's banned.h).
 * Use buf_*, xasprintf or snprintf instead.
 */
#ifndef CONFAB_BANNED_H
#define CONFAB_BANNED_H

#define BANNED(func) sorry_##func##_is_banned_in_confab

#undef strcpy
#define strcpy(x, y) BANNED(strcpy)
#undef strcat
#define strcat(x, y) BANNED(strcat)
#undef strncpy
#define strncpy(x, y, n) BANNED(strncpy)
#undef sprintf
#define sprintf(...) BANNED(sprintf)
#undef vsprintf
#define vsprintf(...) BANNED(vsprintf)
#undef strtok
#define strtok(x, y) BANNED(strtok)
#undef gets
#define gets(x) BANNED(gets)

#endif
