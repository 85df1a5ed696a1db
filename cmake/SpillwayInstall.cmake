# `cmake --install`: public headers, the libraries, the CMake package
# (find_package(spillway), targets spillway::<name>) and spillway.pc.
#
# Components are discovered from the targets that exist, so adding a backend
# (spillway_backend_<dir> built from backends/<dir>/) or the runtime needs no
# change here. Each component's public headers are its include/ directory.
include(CMakePackageConfigHelpers)

set(SPILLWAY_INSTALL_CMAKEDIR "${CMAKE_INSTALL_LIBDIR}/cmake/spillway")
set(SPILLWAY_INSTALL_PKGCONFIGDIR "${CMAKE_INSTALL_LIBDIR}/pkgconfig")

# Installed targets in link order (users before what they use), with the
# include directory of each.
set(spillway_install_targets)
set(spillway_install_include_dirs)
if(TARGET spillway_runtime)
  list(APPEND spillway_install_targets spillway_runtime)
  list(APPEND spillway_install_include_dirs "${PROJECT_SOURCE_DIR}/runtime/include")
endif()
file(GLOB spillway_backend_dirs LIST_DIRECTORIES true "${PROJECT_SOURCE_DIR}/backends/*")
list(SORT spillway_backend_dirs)
foreach(dir IN LISTS spillway_backend_dirs)
  get_filename_component(name "${dir}" NAME)
  if(TARGET spillway_backend_${name})
    get_target_property(type spillway_backend_${name} TYPE)
    if(type STREQUAL "STATIC_LIBRARY" OR type STREQUAL "SHARED_LIBRARY")
      list(APPEND spillway_install_targets spillway_backend_${name})
      list(APPEND spillway_install_include_dirs "${dir}/include")
    endif()
  endif()
endforeach()

# Other spillway libraries those link (e.g. a header-only ABI target of a
# backend) must be exported too, or install(EXPORT) fails. They go before
# spillway_hal, which everything uses.
set(spillway_install_extra)
set(queue ${spillway_install_targets} spillway_hal)
while(queue)
  list(POP_FRONT queue target)
  get_target_property(type ${target} TYPE)
  if(type STREQUAL "INTERFACE_LIBRARY")
    get_target_property(deps ${target} INTERFACE_LINK_LIBRARIES)
  else()
    get_target_property(deps ${target} LINK_LIBRARIES)
  endif()
  foreach(dep IN LISTS deps)
    string(REGEX REPLACE "^\\$<LINK_ONLY:(.*)>$" "\\1" dep "${dep}")
    if(NOT TARGET "${dep}")
      continue()
    endif()
    get_target_property(aliased "${dep}" ALIASED_TARGET)
    if(aliased)
      set(dep ${aliased})
    endif()
    get_target_property(imported "${dep}" IMPORTED)
    if(NOT imported AND dep MATCHES "^spillway_" AND NOT dep STREQUAL "spillway_hal"
       AND NOT dep IN_LIST spillway_install_targets AND NOT dep IN_LIST spillway_install_extra)
      list(APPEND spillway_install_extra ${dep})
      list(APPEND queue ${dep})
    endif()
  endforeach()
endwhile()
foreach(target IN LISTS spillway_install_extra)
  list(APPEND spillway_install_targets ${target})
  get_target_property(dir ${target} SOURCE_DIR)
  list(APPEND spillway_install_include_dirs "${dir}/include")
endforeach()
list(APPEND spillway_install_targets spillway_hal)
list(APPEND spillway_install_include_dirs "${PROJECT_SOURCE_DIR}/hal/include")

install(TARGETS ${spillway_install_targets}
  EXPORT spillwayTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR}
  INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
foreach(dir IN LISTS spillway_install_include_dirs)
  if(IS_DIRECTORY "${dir}")
    install(DIRECTORY "${dir}/" DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
      FILES_MATCHING PATTERN "*.h")
  endif()
endforeach()

# Dependencies of the installed targets, for the package file and spillway.pc.
# Static libraries pass every dependency on to the program that links them;
# shared ones only their interface.
set(spillway_components)
set(spillway_exported)
set(spillway_pc_libraries)
set(spillway_pc_libs)
set(spillway_pc_libs_private)
set(spillway_pc_requires)
set(spillway_pc_requires_private)
set(spillway_pkgconfig_modules)  # "<imported target>=<module>" for the package file
foreach(target IN LISTS spillway_install_targets)
  get_target_property(export_name ${target} EXPORT_NAME)
  if(NOT export_name)
    set(export_name ${target})
  endif()
  list(APPEND spillway_components ${export_name})
  list(APPEND spillway_exported spillway::${export_name})
  get_target_property(output_name ${target} OUTPUT_NAME)
  if(NOT output_name)
    set(output_name ${target})
  endif()
  get_target_property(type ${target} TYPE)
  get_target_property(interface_deps ${target} INTERFACE_LINK_LIBRARIES)
  if(type STREQUAL "INTERFACE_LIBRARY")
    set(deps ${interface_deps})  # headers only: no archive to list
  else()
    list(APPEND spillway_pc_libraries ${output_name})
    list(APPEND spillway_pc_libs -l${output_name})
    get_target_property(deps ${target} LINK_LIBRARIES)
  endif()
  if(NOT deps)
    set(deps)
  endif()
  if(NOT interface_deps)
    set(interface_deps)
  endif()
  foreach(dep IN LISTS deps)
    string(REGEX REPLACE "^\\$<LINK_ONLY:(.*)>$" "\\1" dep "${dep}")
    set(public FALSE)
    if(type STREQUAL "STATIC_LIBRARY" OR dep IN_LIST interface_deps)
      set(public TRUE)
    endif()
    set(requires_var spillway_pc_requires)
    set(libs_var spillway_pc_libs)
    if(NOT public)
      set(requires_var spillway_pc_requires_private)
      set(libs_var spillway_pc_libs_private)
    endif()
    if(dep MATCHES "^spillway")
      # Another spillway library: listed itself.
    elseif(dep MATCHES "^absl::(.+)$")
      list(APPEND ${requires_var} absl_${CMAKE_MATCH_1})
    elseif(dep STREQUAL "Threads::Threads")
      list(APPEND ${libs_var} -pthread)
    elseif(dep MATCHES "^PkgConfig::(.+)$")
      string(TOLOWER "${CMAKE_MATCH_1}" module)
      list(APPEND ${requires_var} ${module})
      list(APPEND spillway_pkgconfig_modules "${CMAKE_MATCH_1}=${module}")
    elseif(dep MATCHES "^-")
      list(APPEND ${libs_var} ${dep})
    elseif(dep MATCHES "^[A-Za-z0-9_.+-]+$" AND NOT TARGET ${dep})
      list(APPEND ${libs_var} -l${dep})  # a system library such as dl or rt
    else()
      message(WARNING "spillway.pc: no pkg-config equivalent for '${dep}' of ${target}; "
                      "extend cmake/SpillwayInstall.cmake")
    endif()
  endforeach()
endforeach()
foreach(var spillway_pc_libs spillway_pc_libs_private spillway_pc_requires
            spillway_pc_requires_private spillway_pkgconfig_modules)
  list(REMOVE_DUPLICATES ${var})
endforeach()
# A library needed publicly need not be listed privately too.
list(REMOVE_ITEM spillway_pc_requires_private ${spillway_pc_requires})
list(REMOVE_ITEM spillway_pc_libs_private ${spillway_pc_libs})

# find_dependency lines for pkg-config imported targets (e.g. PkgConfig::HWLOC).
set(SPILLWAY_EXTRA_DEPENDENCIES "")
if(spillway_pkgconfig_modules)
  string(APPEND SPILLWAY_EXTRA_DEPENDENCIES "find_dependency(PkgConfig)\n")
  foreach(entry IN LISTS spillway_pkgconfig_modules)
    string(REPLACE "=" ";" entry "${entry}")
    list(GET entry 0 prefix)
    list(GET entry 1 module)
    string(APPEND SPILLWAY_EXTRA_DEPENDENCIES
      "if(NOT TARGET PkgConfig::${prefix})\n"
      "  pkg_check_modules(${prefix} REQUIRED IMPORTED_TARGET ${module})\n"
      "endif()\n")
  endforeach()
endif()
list(JOIN spillway_components " " SPILLWAY_COMPONENTS)
list(JOIN spillway_exported " " SPILLWAY_EXPORTED_TARGETS)

install(EXPORT spillwayTargets
  NAMESPACE spillway::
  DESTINATION ${SPILLWAY_INSTALL_CMAKEDIR})
configure_package_config_file(
  "${PROJECT_SOURCE_DIR}/cmake/spillwayConfig.cmake.in"
  "${PROJECT_BINARY_DIR}/spillwayConfig.cmake"
  INSTALL_DESTINATION ${SPILLWAY_INSTALL_CMAKEDIR})
# 0.x: a minor version may break the interface.
write_basic_package_version_file(
  "${PROJECT_BINARY_DIR}/spillwayConfigVersion.cmake"
  COMPATIBILITY SameMinorVersion)
install(FILES
  "${PROJECT_BINARY_DIR}/spillwayConfig.cmake"
  "${PROJECT_BINARY_DIR}/spillwayConfigVersion.cmake"
  DESTINATION ${SPILLWAY_INSTALL_CMAKEDIR})

# spillway.pc: the prefix is found relative to the .pc file (so it follows
# `cmake --install --prefix` and a moved tree) unless the directories were
# given as absolute paths.
if(IS_ABSOLUTE "${CMAKE_INSTALL_LIBDIR}" OR IS_ABSOLUTE "${CMAKE_INSTALL_INCLUDEDIR}")
  set(SPILLWAY_PC_PREFIX "${CMAKE_INSTALL_PREFIX}")
  set(SPILLWAY_PC_LIBDIR "${CMAKE_INSTALL_FULL_LIBDIR}")
  set(SPILLWAY_PC_INCLUDEDIR "${CMAKE_INSTALL_FULL_INCLUDEDIR}")
else()
  file(RELATIVE_PATH from_pcdir "/prefix/${SPILLWAY_INSTALL_PKGCONFIGDIR}" "/prefix")
  string(REGEX REPLACE "/$" "" from_pcdir "${from_pcdir}")
  set(SPILLWAY_PC_PREFIX "\${pcfiledir}/${from_pcdir}")
  set(SPILLWAY_PC_LIBDIR "\${prefix}/${CMAKE_INSTALL_LIBDIR}")
  set(SPILLWAY_PC_INCLUDEDIR "\${prefix}/${CMAKE_INSTALL_INCLUDEDIR}")
endif()
list(JOIN spillway_pc_libraries ", " SPILLWAY_PC_LIBRARIES)
list(JOIN spillway_pc_libs " " SPILLWAY_PC_LIBS)
list(JOIN spillway_pc_libs_private " " SPILLWAY_PC_LIBS_PRIVATE)
list(JOIN spillway_pc_requires " " SPILLWAY_PC_REQUIRES)
list(JOIN spillway_pc_requires_private " " SPILLWAY_PC_REQUIRES_PRIVATE)
configure_file("${PROJECT_SOURCE_DIR}/cmake/spillway.pc.in"
  "${PROJECT_BINARY_DIR}/spillway.pc" @ONLY)
install(FILES "${PROJECT_BINARY_DIR}/spillway.pc" DESTINATION ${SPILLWAY_INSTALL_PKGCONFIGDIR})
