/*
 * i18n.h: the message catalog (GNU gettext, text domain "confab").
 *
 * _("text") translates a message; N_("text") marks one for translation where
 * it is defined (a static table) and _() translates it where it is used;
 * P_("one", "many", n) picks the plural form for n. Only what a person reads
 * is translated: protocol fields, ledger values, config keys, command names
 * and machine-readable output (--json, CSV, --raw) stay as they are.
 */
#ifndef CONFAB_I18N_H
#define CONFAB_I18N_H

#include <libintl.h>

#define _(s) gettext(s)
#define N_(s) (s)
#define P_(s, p, n) ngettext((s), (p), (n))

/*
 * Bind the catalog after setlocale(LC_ALL, ""): CONFAB_LOCALEDIR, else the
 * compiled-in locale directory; messages are always UTF-8. When the locale the
 * environment names is not installed (a container with LANG=zh_CN.UTF-8 and
 * only C.UTF-8), the messages still follow it (LC_MESSAGES C.UTF-8, LANGUAGE
 * set to the name).
 */
void i18n_init(void);

/* The language of the screens: the catalog's "Language" ("zh_CN"), else "en". */
const char *i18n_language(void);

/*
 * English messages (true) or the catalog again (false): the text kept in
 * records (the store, --json) is made in English. The text domain becomes one
 * no catalog exists for, so gettext() returns each message as written.
 */
void i18n_english(bool on);

/* Whether the screens are in Chinese (the catalog's language starts with zh). */
bool i18n_chinese(void);

#endif
