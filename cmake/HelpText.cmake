# cmake -DPERFGATE=path/to/perfgate -DOUTPUT=perfgate-help.txt -P HelpText.cmake
#
# The reference installed as share/doc/perfgate/perfgate-help.txt: `perfgate
# --help` followed by the --help of every subcommand it lists, so the installed
# text always matches the binary beside it.
cmake_minimum_required(VERSION 3.25)
function(help_of out_var)
  execute_process(COMMAND "${PERFGATE}" ${ARGN} --help OUTPUT_VARIABLE text RESULT_VARIABLE failed)
  if(failed)
    message(FATAL_ERROR "HelpText.cmake: `perfgate ${ARGN} --help` failed (${failed})")
  endif()
  string(REPLACE "${PERFGATE}" "perfgate" text "${text}")
  set(${out_var} "${text}" PARENT_SCOPE)
endfunction()

help_of(top)
execute_process(COMMAND "${PERFGATE}" --version OUTPUT_VARIABLE version OUTPUT_STRIP_TRAILING_WHITESPACE)
set(document "${version}\n\n${top}")
string(REGEX MATCH "Subcommands:\n(.*)" listing "${top}")
string(REGEX MATCHALL "\n  [a-z][a-z0-9-]*" names "\n${CMAKE_MATCH_1}")
foreach(name IN LISTS names)
  string(STRIP "${name}" name)
  help_of(text "${name}")
  string(APPEND document "\n\n== perfgate ${name}\n\n${text}")
endforeach()
file(WRITE "${OUTPUT}" "${document}")
