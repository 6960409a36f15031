# Feeds INPUT to klab on standard input (REPL mode without a terminal) and compares standard output
# with EXPECTED byte for byte. scripts/regen-transcripts rewrites the expected files on purpose.
execute_process(COMMAND "${KLAB}" INPUT_FILE "${INPUT}" RESULT_VARIABLE code OUTPUT_VARIABLE out ERROR_VARIABLE err)
file(READ "${EXPECTED}" expected)
if(NOT out STREQUAL expected)
  file(WRITE "${ACTUAL}" "${out}")
  message(FATAL_ERROR "transcript differs from ${EXPECTED} (actual output in ${ACTUAL}; diff them)\nstderr:\n${err}")
endif()
if(NOT code EQUAL 0)
  message(FATAL_ERROR "klab exited with ${code}\nstderr:\n${err}")
endif()
