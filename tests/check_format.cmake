# The format check: every C++ file of the repository matches .clang-format, as formatted by
# clang-format 14 (Debian 12's; other versions break lines differently, so the version is
# pinned). Run by CTest as "format: clang-format"; to fix, run
#   clang-format-14 -i $(git ls-files '*.cpp' '*.hpp')
# Inputs: -DCLANG_FORMAT=<program> -DROOT=<repository root>.
if(NOT CLANG_FORMAT)
  message(FATAL_ERROR "clang-format-14 not found: scripts/install-deps --test installs it")
endif()
file(GLOB_RECURSE files
  ${ROOT}/src/*.cpp ${ROOT}/include/*.hpp ${ROOT}/tests/*.cpp ${ROOT}/tests/*.hpp
  ${ROOT}/fuzz/*.cpp ${ROOT}/bench/*.cpp ${ROOT}/examples/*.cpp)
list(FILTER files EXCLUDE REGEX "/node_modules/")
# One run over every file: clang-format names each line it would change.
execute_process(COMMAND ${CLANG_FORMAT} --dry-run -Werror ${files}
  RESULT_VARIABLE status ERROR_VARIABLE findings OUTPUT_QUIET)
list(LENGTH files checked)
if(NOT status EQUAL 0)
  string(REGEX MATCHALL "[^\n]+: error: code should be clang-formatted" lines "${findings}")
  list(JOIN lines "\n  " listing)
  message(FATAL_ERROR "not formatted as .clang-format says (${checked} files checked):\n  ${listing}")
endif()
message(STATUS "${checked} files match .clang-format")
