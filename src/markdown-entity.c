/* markdown-entity.c: HTML entities (&amp;, &#39;) of Markdown text and link URLs decoded. */
#include "common.h"

#include <md4c.h>

#include "buf.h"
#include "markdown.h"
#include "markdown-internal.h"

/* ---- entities ------------------------------------------------------------ */

/* clang-format off */
static const struct {
	const char *name;
	const char *utf8;
} md_entities[] = {
	{ "amp", "&" }, { "lt", "<" }, { "gt", ">" }, { "quot", "\"" }, { "apos", "'" },
	{ "nbsp", "\xc2\xa0" }, { "copy", "©" }, { "reg", "®" }, { "trade", "™" },
	{ "mdash", "—" }, { "ndash", "–" }, { "hellip", "…" }, { "laquo", "«" },
	{ "raquo", "»" }, { "lsquo", "‘" }, { "rsquo", "’" }, { "ldquo", "“" },
	{ "rdquo", "”" }, { "bull", "•" }, { "middot", "·" }, { "times", "×" },
	{ "divide", "÷" }, { "deg", "°" }, { "plusmn", "±" }, { "ne", "≠" }, { "le", "≤" },
	{ "ge", "≥" }, { "larr", "←" }, { "rarr", "→" }, { "uarr", "↑" }, { "darr", "↓" },
	{ "harr", "↔" }, { "rArr", "⇒" }, { "euro", "€" }, { "pound", "£" }, { "yen", "¥" },
	{ "cent", "¢" }, { "sect", "§" }, { "para", "¶" }, { "infin", "∞" },
};
/* clang-format on */

/* Encode code point cp (valid) as UTF-8 into out; returns the length. */
static size_t
md_utf8_put(unsigned int cp, char *out)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xc0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xe0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | (cp >> 18));
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	out[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/* Decode a numeric entity ("&#39;", "&#x27;") into out; 0 when malformed. */
static size_t
md_entity_number(const char *s, size_t n, char *out)
{
	unsigned int v = 0, d, base = 10;
	size_t i = 2, digits = 0;

	if (i < n - 1 && (s[i] == 'x' || s[i] == 'X')) {
		base = 16;
		i++;
	}
	for (; i < n - 1; i++, digits++) {
		if (s[i] >= '0' && s[i] <= '9')
			d = (unsigned int)(s[i] - '0');
		else if (base == 16 && s[i] >= 'a' && s[i] <= 'f')
			d = (unsigned int)(s[i] - 'a' + 10);
		else if (base == 16 && s[i] >= 'A' && s[i] <= 'F')
			d = (unsigned int)(s[i] - 'A' + 10);
		else
			return 0;
		if (v <= 0x10ffff)
			v = v * base + d;
	}
	if (digits == 0 || digits > (base == 16 ? 6 : 7))
		return 0;
	if (v == 0 || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
		v = 0xfffd;
	return md_utf8_put(v, out);
}

/* Decode the entity s[0..n) into out (8 bytes); returns its length, 0 when unknown. */
size_t
md_entity_decode(const char *s, size_t n, char *out)
{
	size_t i, len;

	if (n < 3 || s[0] != '&' || s[n - 1] != ';')
		return 0;
	if (s[1] == '#')
		return md_entity_number(s, n, out);
	for (i = 0; i < nitems(md_entities); i++) {
		if (strlen(md_entities[i].name) != n - 2 ||
		    memcmp(md_entities[i].name, s + 1, n - 2) != 0)
			continue;
		len = strlen(md_entities[i].utf8);
		memcpy(out, md_entities[i].utf8, len);
		return len;
	}
	return 0;
}

/* The raw value of attribute a, entities decoded, into out. */
void
md_attr(const MD_ATTRIBUTE *a, struct buf *out)
{
	const char *s;
	char dec[8];
	size_t i, n, d;

	for (i = 0; a->size > 0 && a->substr_offsets[i] < a->size; i++) {
		s = a->text + a->substr_offsets[i];
		n = a->substr_offsets[i + 1] - a->substr_offsets[i];
		if (a->substr_types[i] == MD_TEXT_NULLCHAR)
			(void)buf_add(out, "\xef\xbf\xbd", 3);
		else if (a->substr_types[i] == MD_TEXT_ENTITY &&
		    (d = md_entity_decode(s, n, dec)) != 0)
			(void)buf_add(out, dec, d);
		else
			(void)buf_add(out, s, n);
	}
}
