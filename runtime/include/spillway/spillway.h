/* spillway C API: open/close, devices, memory info, allocation with hints,
 * activation and prefetch, and the last error. Usable from C and through FFI
 * (ctypes, cffi, Rust): plain C types only, no callbacks.
 *
 * Return values: 0 (SPILLWAY_OK) on success, otherwise an absl::StatusCode
 * number (3 invalid argument, 5 not found, 8 resource exhausted,
 * 9 failed precondition, 12 unimplemented, 14 unavailable, ...); the message
 * is then available from spillway_last_error() on the same thread.
 * Thread-safety: every function is thread-safe; a spillway_runtime may be
 * shared between threads. Ownership: spillway_open returns a handle the
 * caller closes exactly once with spillway_close. */
#ifndef SPILLWAY_SPILLWAY_H_
#define SPILLWAY_SPILLWAY_H_

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct spillway_runtime spillway_runtime;

enum {
  SPILLWAY_OK = 0,
  SPILLWAY_INVALID_ARGUMENT = 3,
  SPILLWAY_NOT_FOUND = 5,
  SPILLWAY_RESOURCE_EXHAUSTED = 8,
  SPILLWAY_FAILED_PRECONDITION = 9,
  SPILLWAY_UNIMPLEMENTED = 12,
  SPILLWAY_INTERNAL = 13,
  SPILLWAY_UNAVAILABLE = 14
};

enum spillway_role {
  SPILLWAY_ROLE_SCRATCH = 0,
  SPILLWAY_ROLE_WEIGHTS = 1,
  SPILLWAY_ROLE_KV_CACHE = 2,
  SPILLWAY_ROLE_ACTIVATIONS = 3
};

enum spillway_placement {
  SPILLWAY_PLACEMENT_DEVICE = 0,
  SPILLWAY_PLACEMENT_MANAGED = 1,
  SPILLWAY_PLACEMENT_HOST_SPILL = 2
};

typedef struct spillway_hints {
  int role;              /* enum spillway_role */
  const char* group;     /* NULL or "" for none; copied */
  int keep_resident;     /* non-zero: stay on the device */
} spillway_hints;

typedef struct spillway_device_info {
  char name[128];
  char uri[64];
  char pci_bus_id[32];
  uint64_t physical_memory;  /* the card's memory */
  uint64_t virtual_size;     /* the limit applications see; 0 = none */
  uint64_t device_budget;    /* bytes that may stay resident on the card */
  int numa_node;             /* nearest host NUMA node; -1 unknown */
  int oversubscribed;
} spillway_device_info;

typedef struct spillway_memory_info {
  uint64_t total;
  uint64_t free;
  uint64_t used;
  uint64_t device_used;
  uint64_t managed_used;
  uint64_t host_spill_used;
} spillway_memory_info;

/* Reads the configuration from the environment (HAMi's variables). */
int spillway_open(spillway_runtime** out);
/* NULL is ignored. Frees what is still allocated and gives back the quota. */
void spillway_close(spillway_runtime* rt);

/* 0 for NULL. Never fails. */
int spillway_device_count(const spillway_runtime* rt);
int spillway_get_device_info(spillway_runtime* rt, int device, spillway_device_info* out);
int spillway_get_memory_info(spillway_runtime* rt, int device, spillway_memory_info* out);

/* hints may be NULL (scratch, no group). */
int spillway_alloc(spillway_runtime* rt, int device, uint64_t size,
                   const spillway_hints* hints, void** out);
int spillway_free(spillway_runtime* rt, int device, void* ptr);
/* Where a live buffer was placed (enum spillway_placement). */
int spillway_placement_of(spillway_runtime* rt, int device, const void* ptr, int* out);

/* Makes a group active: its buffers become resident, idle groups yield. */
int spillway_activate(spillway_runtime* rt, int device, const char* group);
/* The buffers will be used soon: prefetched on the runtime's own stream. */
int spillway_prefetch(spillway_runtime* rt, int device, void* const* buffers, size_t count);

/* The message of the last failed call on this thread; "" if none. Valid
 * until the next spillway call on this thread. */
const char* spillway_last_error(void);

#ifdef __cplusplus
}
#endif

#endif /* SPILLWAY_SPILLWAY_H_ */
