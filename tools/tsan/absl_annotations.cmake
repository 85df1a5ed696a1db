# Builds libspillway_tsan_absl.so, which the `tsan` test preset LD_PRELOADs so
# that ThreadSanitizer sees Abseil's (uninstrumented, prebuilt) synchronization
# (docs/building.md, "ThreadSanitizer and Abseil"). Included through
# CMAKE_PROJECT_INCLUDE by the `tsan` configure preset only.
add_library(spillway_tsan_absl SHARED ${CMAKE_CURRENT_LIST_DIR}/absl_sync_annotations.cc)
# Not instrumented itself and not linked to libtsan: it must be harmless in
# processes that are not TSan programs (ctest, shells run by tests).
target_compile_options(spillway_tsan_absl PRIVATE -fno-sanitize=all -Wall -Wextra -Wpedantic -Werror)
target_link_options(spillway_tsan_absl PRIVATE -fno-sanitize=all)
target_link_libraries(spillway_tsan_absl PRIVATE ${CMAKE_DL_LIBS})
set_target_properties(spillway_tsan_absl PROPERTIES
  LIBRARY_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}
  CXX_STANDARD 20
  CXX_EXTENSIONS OFF)
