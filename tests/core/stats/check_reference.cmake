# Re-runs one reference script and fails when its output differs from the
# committed fixture beyond rounding. Usage:
#   cmake -DPYTHON=... -DSCRIPT=... -DFIXTURE=... -DOUTPUT=... -P check_reference.cmake
if(NOT EXISTS "${PYTHON}")
  message("PERFGATE_REFERENCE_SKIPPED: ${PYTHON} not found; install python3-scipy to check ${FIXTURE}")
  return()
endif()
execute_process(COMMAND "${PYTHON}" -c "import numpy, scipy"
  RESULT_VARIABLE has_scipy OUTPUT_QUIET ERROR_QUIET)
if(NOT has_scipy EQUAL 0)
  message("PERFGATE_REFERENCE_SKIPPED: ${PYTHON} lacks numpy/scipy; install python3-scipy to check ${FIXTURE}")
  return()
endif()
get_filename_component(script_dir "${SCRIPT}" DIRECTORY)
execute_process(COMMAND "${PYTHON}" -W ignore "${SCRIPT}" "${OUTPUT}"
  WORKING_DIRECTORY "${script_dir}"
  RESULT_VARIABLE status)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "${SCRIPT} failed with ${status}")
endif()
# Numbers are compared to a relative 1e-9: scipy's last digits vary by CPU.
execute_process(COMMAND "${PYTHON}" "${script_dir}/same_numbers.py" "${OUTPUT}" "${FIXTURE}"
  RESULT_VARIABLE differs OUTPUT_VARIABLE difference OUTPUT_STRIP_TRAILING_WHITESPACE)
if(NOT differs EQUAL 0)
  message(FATAL_ERROR "${FIXTURE} is stale (${difference}): ${SCRIPT} now writes ${OUTPUT}; diff them, "
                      "and regenerate the fixture if the change is intended")
endif()
message(STATUS "${FIXTURE} matches ${SCRIPT}")
