# Warnings for project code only (never for third-party headers).
function(spillway_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow=local
    -Wno-missing-field-initializers)
  if(SPILLWAY_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()
