/* A C program's use of <spillway/spillway.h>; compiled as C, called by
 * c_api_test.cc. Returns 0 on success, otherwise the line that failed. */
#include <stdint.h>
#include <string.h>

#include "spillway/spillway.h"

#define CHECK(cond) \
  do {              \
    if (!(cond)) {  \
      ret = __LINE__; \
      goto done;    \
    }               \
  } while (0)

int spillway_c_api_client(uint64_t limit) {
  int ret = 0;
  spillway_runtime* rt = NULL;
  void* weights = NULL;
  void* too_big = NULL;
  spillway_device_info info;
  spillway_memory_info mem;
  spillway_hints hints = {SPILLWAY_ROLE_WEIGHTS, "model-a", 0};
  int placement = -1;

  CHECK(spillway_device_count(NULL) == 0);
  CHECK(spillway_open(&rt) == SPILLWAY_OK);
  CHECK(spillway_device_count(rt) >= 1);
  CHECK(spillway_get_device_info(rt, 0, &info) == SPILLWAY_OK);
  CHECK(strlen(info.name) > 0);
  CHECK(strncmp(info.uri, "fake://0", sizeof(info.uri)) == 0);
  CHECK(info.virtual_size == limit);
  CHECK(spillway_get_memory_info(rt, 0, &mem) == SPILLWAY_OK);
  CHECK(mem.total == limit && mem.free == limit && mem.used == 0);

  CHECK(spillway_alloc(rt, 0, limit / 2, &hints, &weights) == SPILLWAY_OK);
  CHECK(weights != NULL);
  CHECK(spillway_placement_of(rt, 0, weights, &placement) == SPILLWAY_OK);
  CHECK(placement == SPILLWAY_PLACEMENT_DEVICE);
  CHECK(spillway_get_memory_info(rt, 0, &mem) == SPILLWAY_OK);
  CHECK(mem.used == limit / 2 && mem.free == limit - limit / 2);
  CHECK(spillway_activate(rt, 0, "model-a") == SPILLWAY_OK);
  CHECK(spillway_prefetch(rt, 0, &weights, 1) == SPILLWAY_OK);

  /* Errors come back as codes with a message, never a crash. */
  CHECK(spillway_alloc(rt, 0, limit, NULL, &too_big) == SPILLWAY_RESOURCE_EXHAUSTED);
  CHECK(too_big == NULL);
  CHECK(strstr(spillway_last_error(), "limit") != NULL);
  CHECK(spillway_alloc(rt, 0, 0, NULL, &too_big) == SPILLWAY_INVALID_ARGUMENT);
  CHECK(spillway_alloc(rt, 7, 1, NULL, &too_big) == SPILLWAY_INVALID_ARGUMENT);
  CHECK(spillway_alloc(rt, 0, 1, NULL, NULL) == SPILLWAY_INVALID_ARGUMENT);
  hints.role = 99;
  CHECK(spillway_alloc(rt, 0, 1, &hints, &too_big) == SPILLWAY_INVALID_ARGUMENT);
  CHECK(spillway_activate(rt, 0, NULL) == SPILLWAY_INVALID_ARGUMENT);
  CHECK(spillway_activate(rt, 0, "nobody") == SPILLWAY_NOT_FOUND);
  CHECK(spillway_prefetch(rt, 0, NULL, 1) == SPILLWAY_INVALID_ARGUMENT);
  CHECK(spillway_get_memory_info(NULL, 0, &mem) == SPILLWAY_INVALID_ARGUMENT);
  CHECK(spillway_get_device_info(rt, 0, NULL) == SPILLWAY_INVALID_ARGUMENT);

  CHECK(spillway_free(rt, 0, weights) == SPILLWAY_OK);
  CHECK(spillway_free(rt, 0, weights) == SPILLWAY_INVALID_ARGUMENT); /* double free */
  weights = NULL;
  CHECK(strlen(spillway_last_error()) > 0);
  CHECK(spillway_get_memory_info(rt, 0, &mem) == SPILLWAY_OK);
  CHECK(mem.used == 0 && mem.free == limit);

done:
  if (weights != NULL) spillway_free(rt, 0, weights);
  spillway_close(rt);
  spillway_close(NULL);
  return ret;
}
