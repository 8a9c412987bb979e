/*
 * consent-internal.h: what the consent*.c files share: consent.c (current
 * Terms, state, the gate, withdraw and recheck), consent-chain.c (the hash
 * chain, the ledger-head file, the gate's chain checks) and consent-fetch.c
 * (fetching the Terms and the daily check).
 */
#ifndef CONFAB_CONSENT_INTERNAL_H
#define CONFAB_CONSENT_INTERNAL_H

#include "consent.h"

#define TERMS_FILE_MAX TERMS_MAX_BYTES

int consent_take_first(const struct consent_event *ev, void *arg);

#endif
