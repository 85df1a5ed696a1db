/* An "ACL runtime" that exports aclInit and nothing else: the backend must
   report the first missing required symbol by name, never crash. */
int aclInit(const char* config_path);

int aclInit(const char* config_path) {
  (void)config_path;
  return 0;
}
