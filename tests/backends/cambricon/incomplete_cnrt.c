/* A "CNRT" that exports cnrtGetDeviceCount and nothing else: the backend must
   report the first missing required symbol by name, never crash. */
int cnrtGetDeviceCount(unsigned* count);

int cnrtGetDeviceCount(unsigned* count) {
  *count = 1;
  return 0;
}
