/* api.c: placeholder until the wire format lands */
#include "common.h"

#include "api.h"
