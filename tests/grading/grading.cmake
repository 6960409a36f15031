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
  if(DEFINED MAX_REPORT_BYTES)
    string(LENGTH "${output}" report_bytes)
    if(report_bytes GREATER MAX_REPORT_BYTES)
      string(SUBSTRING "${output}" 0 2000 head)
      message(FATAL_ERROR "the report is ${report_bytes} bytes, more than ${MAX_REPORT_BYTES}:\n${head}")
    endif()
  endif()
  if(FORGERY)
    # The script earns nothing, so every line that reads like a result but klab's one score line is
    # forged. Lines end where a terminal or a browser would break them.
    set(visible "${output}")
    if(FORMAT STREQUAL "gradescope")
      string(JSON visible GET "${output}" output)
      string(JSON count LENGTH "${output}" tests)
      math(EXPR last "${count} - 1")
      foreach(i RANGE ${last})
        string(JSON test_output GET "${output}" tests ${i} output)
        string(APPEND visible "\n${test_output}")
      endforeach()
    endif()
    string(REPLACE "\r" "\n" visible "${visible}")
    string(REPLACE "\\" "/" visible "${visible}")  # a backslash before the list separator ';' would join items
    string(REPLACE ";" "," visible "${visible}")
    string(REPLACE "[" "(" visible "${visible}")  # so does an unbalanced '['
    string(REPLACE "]" ")" visible "${visible}")
    string(ASCII 11 vertical_tab)
    string(ASCII 12 form_feed)
    foreach(separator " " " " "" "${vertical_tab}" "${form_feed}")
      string(REPLACE "${separator}" "\n" visible "${visible}")
    endforeach()
    string(REGEX MATCHALL "(^|\n)[ \t]*(PASS|Score:)[^\n]*" results "${visible}")
    list(LENGTH results found)
    set(expected 0)
    if(FORMAT STREQUAL "text")
      set(expected 1)
    endif()
    if(NOT found EQUAL expected)
      message(FATAL_ERROR "the report shows ${found} result line(s), klab wrote ${expected}:\n${results}\n\n${output}")
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
  # An attack that another limit must stop gets a wall-clock limit a loaded CI machine cannot reach
  # first; only the attacks that expect the wall-clock stop keep 5 s.
  file(STRINGS ${attack} expect_line LIMIT_COUNT 1)
  set(limits "${attack_limits}")
  if(NOT expect_line MATCHES "wall-clock")
    string(REPLACE "|--wall-seconds|5|" "|--wall-seconds|60|" limits "${attack_limits}")
  endif()
  add_test(NAME grade_attack_${name}
           COMMAND ${CMAKE_COMMAND} "-DCOMMAND=$<TARGET_FILE:klab>|grade|--lab|1|${attack}|${limits}"
                   -DEXIT_CODE=1 -DFORMAT=json -DMATCH_FILE=${attack} -DMAX_REPORT_BYTES=400000
                   -P ${grading_dir}/grading.cmake)
  set_tests_properties(grade_attack_${name} PROPERTIES ENVIRONMENT "KLAB_LABS_DIR=${PROJECT_SOURCE_DIR}/labs")
endforeach()

# grade_forgery_NAME_FORMAT: every tests/grading/forgeries/NAME.lua does no lab work and writes text meant
# to pass for results (newlines, carriage returns, line separators in errors, chunk names, answers): in
# the text, Gradescope and JUnit reports no line but klab's own one score line reads as a result.
file(GLOB KLAB_FORGERIES CONFIGURE_DEPENDS ${grading_dir}/forgeries/*.lua)
foreach(forgery ${KLAB_FORGERIES})
  get_filename_component(name ${forgery} NAME_WE)
  foreach(format text gradescope junit)
    set(report ${CMAKE_CURRENT_BINARY_DIR}/grade_forgery_${name}.${format})
    string(REPLACE "|json|" "|${format}|" limits "${attack_limits}")
    add_test(NAME grade_forgery_${name}_${format}
             COMMAND ${CMAKE_COMMAND} "-DCOMMAND=$<TARGET_FILE:klab>|grade|--lab|1|${forgery}|${limits}|--output|${report}"
                     -DEXIT_CODE=1 -DFORMAT=${format} -DREPORT_FILE=${report} -DFORGERY=ON -DMAX_REPORT_BYTES=400000
                     -P ${grading_dir}/grading.cmake)
    set_tests_properties(grade_forgery_${name}_${format} PROPERTIES ENVIRONMENT "KLAB_LABS_DIR=${PROJECT_SOURCE_DIR}/labs")
  endforeach()
endforeach()

# A 40 MB error message in every format: the JSON ones stay small, and JUnit stays within what libxml2
# parses (a text node of at most 10,000,000 bytes) even when --output-bytes allows more.
set(huge_error ${grading_dir}/attacks/huge_error.lua)
foreach(case "gradescope;100000;400000" "junit;100000;400000" "text;100000;400000" "junit;50000000;60000000")
  list(GET case 0 format)
  list(GET case 1 bytes)
  list(GET case 2 max)
  set(report ${CMAKE_CURRENT_BINARY_DIR}/grade_huge_error_${bytes}.${format})
  add_test(NAME grade_huge_error_${format}_output_bytes_${bytes}
           COMMAND ${CMAKE_COMMAND}
                   "-DCOMMAND=$<TARGET_FILE:klab>|grade|--lab|1|${huge_error}|--variants|1|--format|${format}|--memory-mib|256|--output-bytes|${bytes}|--output|${report}"
                   -DEXIT_CODE=1 -DFORMAT=${format} -DREPORT_FILE=${report} -DMAX_REPORT_BYTES=${max}
                   "-DMATCH=klab cut [0-9]+ bytes" -P ${grading_dir}/grading.cmake)
  set_tests_properties(grade_huge_error_${format}_output_bytes_${bytes} PROPERTIES ENVIRONMENT "KLAB_LABS_DIR=${PROJECT_SOURCE_DIR}/labs")
endforeach()

# A variant killed by the grader (a finalizer that never ends) leaves no Connect directory in TMPDIR.
add_test(NAME grade_killed_variant_leaves_no_files
         COMMAND ${grading_dir}/leftovers_test.sh $<TARGET_FILE:klab> ${CMAKE_CURRENT_BINARY_DIR}/grade_leftovers)
set_tests_properties(grade_killed_variant_leaves_no_files PROPERTIES ENVIRONMENT "KLAB_LABS_DIR=${PROJECT_SOURCE_DIR}/labs"
                                                                     TIMEOUT 120)

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
