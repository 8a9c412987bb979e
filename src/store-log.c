/* store-log.c: placeholder */
#include "common.h"
