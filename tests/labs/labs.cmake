# Lab tests, included from tests/CMakeLists.txt (include(labs/labs.cmake)). Every labs/NN-slug folder
# with a lab.lua gets:
#   lab_NN_solution  klab lab check NN solution.lua must score full marks (exit code 0 means exactly that);
#   lab_NN_wrong     klab lab check NN wrong.lua must lose marks: exit code exactly 1 and a FAIL line.
#                    (WILL_FAIL would also pass on a crash, so this file doubles as the checking script:
#                    cmake -DKLAB=... -DLAB=... -DSUBMISSION=... -P labs.cmake.)
# The engine's own test, tests/lua/lab_engine_test.lua, is registered with every tests/lua/*_test.lua.

if(CMAKE_SCRIPT_MODE_FILE)
  execute_process(COMMAND ${KLAB} lab check ${LAB} ${SUBMISSION}
                  RESULT_VARIABLE exit_code OUTPUT_VARIABLE output ERROR_VARIABLE errors)
  message("${output}${errors}")
  if(NOT exit_code STREQUAL "1")
    message(FATAL_ERROR "expected exit code 1 (graded, not full marks), got '${exit_code}'")
  endif()
  if(NOT output MATCHES "\nFAIL  \\[[0-9]+/[0-9]+\\] " OR NOT output MATCHES "\nScore: [0-9]+/[0-9]+\n")
    message(FATAL_ERROR "expected a FAIL line and a Score line in the report")
  endif()
  return()
endif()

set(KLAB_LABS_ROOT ${PROJECT_SOURCE_DIR}/labs)
file(GLOB KLAB_LAB_DEFINITIONS CONFIGURE_DEPENDS ${KLAB_LABS_ROOT}/*/lab.lua)
foreach(definition ${KLAB_LAB_DEFINITIONS})
  get_filename_component(lab_dir ${definition} DIRECTORY)
  get_filename_component(lab_folder ${lab_dir} NAME)
  string(REGEX MATCH "^[0-9]+" lab_number "${lab_folder}")
  if(NOT lab_number)
    message(FATAL_ERROR "lab folder ${lab_folder} must be named NN-slug")
  endif()
  if(EXISTS ${lab_dir}/solution.lua)
    add_test(NAME lab_${lab_number}_solution COMMAND klab lab check ${lab_number} ${lab_dir}/solution.lua)
    set_tests_properties(lab_${lab_number}_solution PROPERTIES ENVIRONMENT KLAB_LABS_DIR=${KLAB_LABS_ROOT})
  endif()
  if(EXISTS ${lab_dir}/wrong.lua)
    add_test(NAME lab_${lab_number}_wrong
             COMMAND ${CMAKE_COMMAND} -DKLAB=$<TARGET_FILE:klab> -DLAB=${lab_number}
                     -DSUBMISSION=${lab_dir}/wrong.lua -P ${CMAKE_CURRENT_LIST_FILE})
    set_tests_properties(lab_${lab_number}_wrong PROPERTIES ENVIRONMENT KLAB_LABS_DIR=${KLAB_LABS_ROOT})
  endif()
endforeach()
