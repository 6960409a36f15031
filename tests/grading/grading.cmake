# klab grade tests, included from tests/CMakeLists.txt; in script mode (cmake -P) this file is also
# the checking script, like tests/labs/labs.cmake.
#   grade_attack_NAME  every tests/grading/attacks/NAME.lua is a hostile submission whose first line is
#                      "-- expect: REGEX": graded with small limits, it must end with exit code 1, a
#                      valid JSON report, and REGEX somewhere in that report.
#   grade_format_*     the gradescope, junit and json reports of a full-marks and a failing submission.

if(CMAKE_SCRIPT_MODE_FILE)
  string(REPLACE "|" ";" command "${COMMAND}")
  execute_process(COMMAND ${command} RESULT_VARIABLE exit_code OUTPUT_VARIABLE output ERROR_VARIABLE errors
                  TIMEOUT 60)
  if(DEFINED REPORT_FILE)
    file(READ ${REPORT_FILE} output)
  endif()
  if(NOT exit_code STREQUAL "${EXIT_CODE}")
    message(FATAL_ERROR "expected exit code ${EXIT_CODE}, got '${exit_code}'\n${output}${errors}")
  endif()
  if(FORMAT STREQUAL "json" OR FORMAT STREQUAL "gradescope")
    string(JSON kind ERROR_VARIABLE json_error TYPE "${output}")
    if(json_error OR NOT kind STREQUAL "OBJECT")
      message(FATAL_ERROR "the report is not a JSON object: ${json_error}\n${output}")
    endif()
    string(JSON score ERROR_VARIABLE json_error GET "${output}" score)
    if(json_error)
      message(FATAL_ERROR "the report has no score\n${output}")
    endif()
  endif()
  if(FORMAT STREQUAL "gradescope")
    # Gradescope's documented fields: score, and per test name, score, max_score, output, visibility.
    string(JSON count LENGTH "${output}" tests)
    if(count EQUAL 0)
      message(FATAL_ERROR "no tests in the Gradescope report")
    endif()
    math(EXPR last "${count} - 1")
    foreach(i RANGE ${last})
      foreach(field name score max_score output visibility)
        string(JSON value ERROR_VARIABLE json_error GET "${output}" tests ${i} ${field})
        if(json_error)
          message(FATAL_ERROR "test ${i} has no '${field}'\n${output}")
        endif()
      endforeach()
      string(JSON visibility GET "${output}" tests ${i} visibility)
      if(NOT visibility MATCHES "^(visible|hidden|after_due_date|after_published)$")
        message(FATAL_ERROR "test ${i}: visibility '${visibility}' is not one Gradescope knows")
      endif()
    endforeach()
  endif()
  if(FORMAT STREQUAL "junit")
    find_program(XMLLINT xmllint REQUIRED)
    execute_process(COMMAND ${XMLLINT} --noout ${REPORT_FILE} RESULT_VARIABLE xml_code ERROR_VARIABLE xml_errors)
    if(NOT xml_code EQUAL 0)
      message(FATAL_ERROR "the JUnit report is not well-formed XML: ${xml_errors}\n${output}")
    endif()
  endif()
  if(DEFINED MATCH_FILE)
    file(STRINGS ${MATCH_FILE} first_line LIMIT_COUNT 1)
    string(REGEX REPLACE "^-- expect: " "" MATCH "${first_line}")
  endif()
  if(DEFINED MATCH AND NOT output MATCHES "${MATCH}")
    message(FATAL_ERROR "the report does not match '${MATCH}':\n${output}")
  endif()
  return()
endif()

set(grading_dir ${CMAKE_CURRENT_LIST_DIR})
set(attack_limits --variants|1|--format|json|--memory-mib|64|--instructions|50000000|--wall-seconds|5|--simulated-ms|86400000|--output-bytes|100000)
file(GLOB KLAB_ATTACKS CONFIGURE_DEPENDS ${grading_dir}/attacks/*.lua)
foreach(attack ${KLAB_ATTACKS})
  get_filename_component(name ${attack} NAME_WE)
  add_test(NAME grade_attack_${name}
           COMMAND ${CMAKE_COMMAND} "-DCOMMAND=$<TARGET_FILE:klab>|grade|--lab|1|${attack}|${attack_limits}"
                   -DEXIT_CODE=1 -DFORMAT=json -DMATCH_FILE=${attack} -P ${grading_dir}/grading.cmake)
  set_tests_properties(grade_attack_${name} PROPERTIES ENVIRONMENT "KLAB_LABS_DIR=${PROJECT_SOURCE_DIR}/labs")
endforeach()

set(lab02 ${PROJECT_SOURCE_DIR}/labs/02-keys-and-partitions)
foreach(case "solution;0" "wrong;1")
  list(GET case 0 which)
  list(GET case 1 code)
  foreach(format gradescope json junit)
    set(report ${CMAKE_CURRENT_BINARY_DIR}/grade_${which}_${format}.out)
    add_test(NAME grade_format_${format}_${which}
             COMMAND ${CMAKE_COMMAND}
                     "-DCOMMAND=$<TARGET_FILE:klab>|grade|--lab|2|${lab02}/${which}.lua|--format|${format}|--output|${report}"
                     -DEXIT_CODE=${code} -DFORMAT=${format} -DREPORT_FILE=${report} -P ${grading_dir}/grading.cmake)
    set_tests_properties(grade_format_${format}_${which} PROPERTIES ENVIRONMENT "KLAB_LABS_DIR=${PROJECT_SOURCE_DIR}/labs")
  endforeach()
endforeach()
add_test(NAME grade_missing_lab_is_a_usage_error
         COMMAND ${CMAKE_COMMAND} "-DCOMMAND=$<TARGET_FILE:klab>|grade|--lab|99|${lab02}/solution.lua" -DEXIT_CODE=2
                 "-DMATCH=" -P ${grading_dir}/grading.cmake)

# A class of four: full marks, a wrong answer, a hostile script, and a student folder.
set(class_dir ${CMAKE_CURRENT_BINARY_DIR}/grade_class_input)
file(REMOVE_RECURSE ${class_dir})
file(MAKE_DIRECTORY ${class_dir}/dave)
configure_file(${lab02}/solution.lua ${class_dir}/alice.lua COPYONLY)
configure_file(${lab02}/wrong.lua ${class_dir}/bob.lua COPYONLY)
configure_file(${grading_dir}/attacks/infinite_loop.lua ${class_dir}/carol.lua COPYONLY)
configure_file(${lab02}/solution.lua ${class_dir}/dave/main.lua COPYONLY)
set(book ${CMAKE_CURRENT_BINARY_DIR}/grade_class_output/book.csv)
add_test(NAME grade_class_gradebook
         COMMAND ${CMAKE_COMMAND}
                 "-DCOMMAND=$<TARGET_FILE:klab>|grade-class|--lab|2|${class_dir}|--out|${book}|--grade-flags|--instructions 20000000"
                 -DEXIT_CODE=0 -DREPORT_FILE=${book}
                 "-DMATCH=^student,score,max_score,status,create,[a-z,]+\nalice,10,10,graded,[0-9,]+\nbob,[0-9],10,graded,[0-9,]+\ncarol,0,10,stopped: instruction limit 20000000 reached at [^\n]*carol.lua:2,0,0,0,0,0,0\ndave,10,10,graded"
                 -P ${grading_dir}/grading.cmake)
set_tests_properties(grade_class_gradebook PROPERTIES ENVIRONMENT "KLAB_LABS_DIR=${PROJECT_SOURCE_DIR}/labs")
