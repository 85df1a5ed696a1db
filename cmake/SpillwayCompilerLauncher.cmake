# Uses ccache as the compiler launcher when it is on PATH. Included through
# CMAKE_PROJECT_TOP_LEVEL_INCLUDES by the presets in CMakePresets.json (before
# languages are enabled); -DSPILLWAY_CCACHE=OFF turns it off, and a launcher
# given explicitly (-DCMAKE_CXX_COMPILER_LAUNCHER=...) wins.
option(SPILLWAY_CCACHE "Use ccache as the compiler launcher when it is found" ON)
if(SPILLWAY_CCACHE)
  find_program(SPILLWAY_CCACHE_PROGRAM ccache)
  if(SPILLWAY_CCACHE_PROGRAM)
    # Cache variables: this file runs in a scope of its own inside project().
    foreach(lang C CXX)
      if(NOT CMAKE_${lang}_COMPILER_LAUNCHER)
        set(CMAKE_${lang}_COMPILER_LAUNCHER ${SPILLWAY_CCACHE_PROGRAM} CACHE STRING
          "Compiler launcher for ${lang} (ccache, found by cmake/SpillwayCompilerLauncher.cmake)")
      endif()
    endforeach()
  endif()
endif()
