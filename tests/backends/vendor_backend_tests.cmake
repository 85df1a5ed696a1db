# spillway_vendor_backend_tests(<vendor> [DEFINITIONS defs...] [DEPENDS targets...])
#
# The tests of one vendor backend: for each *_test.cc in the calling folder,
# the executable and ctest entry backends_<vendor>_<name>. Each links the
# backend, the fake simulator and the suites written once for every vendor
# (tests/backends/vendor_fake; tests/runtime/oversubscription for an
# *oversubscription* test, which is left out when that suite is not built).
# White-box tests may include the backend's own src/ headers. DEFINITIONS
# name the fakes' paths (fakes are loaded at run time, never linked); DEPENDS
# builds them first.
function(spillway_vendor_backend_tests vendor)
  cmake_parse_arguments(arg "" "" "DEFINITIONS;DEPENDS" ${ARGN})
  file(GLOB sources CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/*_test.cc)
  foreach(src ${sources})
    get_filename_component(name ${src} NAME_WE)
    if(name MATCHES "oversubscription" AND NOT TARGET spillway_runtime_oversubscription_suite)
      continue()
    endif()
    set(target backends_${vendor}_${name})
    add_executable(${target} ${src})
    target_include_directories(${target} PRIVATE
      ${PROJECT_SOURCE_DIR}/backends/${vendor}/src ${CMAKE_CURRENT_SOURCE_DIR})
    target_link_libraries(${target} PRIVATE
      spillway_backend_${vendor} spillway_backend_fake spillway_hal spillway_vendor_fake_suite
      ${CMAKE_DL_LIBS} GTest::gtest GTest::gmock GTest::gtest_main)
    if(name MATCHES "oversubscription")
      target_link_libraries(${target} PRIVATE spillway_runtime_oversubscription_suite)
    endif()
    target_compile_definitions(${target} PRIVATE ${arg_DEFINITIONS})
    if(arg_DEPENDS)
      add_dependencies(${target} ${arg_DEPENDS})
    endif()
    spillway_warnings(${target})
    add_test(NAME ${target} COMMAND ${target})
    set_tests_properties(${target} PROPERTIES TIMEOUT 600)
  endforeach()
endfunction()
