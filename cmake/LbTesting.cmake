# lb_add_test(<name> SOURCES ... [LIBS ...] [ENV VAR=VALUE ...] [FIXTURES ...] [LABELS ...]
#             [WRAPPER cmd ...] [TIMEOUT s] [ARGS ...] [TARGET exe])
# Builds one Qt Test executable (unless TARGET names an existing one) and registers it with
# CTest. GUI tests get the offscreen platform; WRAPPER runs it inside e.g. a keyring session.
function(lb_add_test name)
    cmake_parse_arguments(T "" "TIMEOUT;TARGET" "SOURCES;LIBS;ENV;FIXTURES;LABELS;WRAPPER;ARGS" ${ARGN})
    if(T_TARGET)
        set(exe ${T_TARGET})
    else()
        set(exe ${name})
        add_executable(${exe} ${T_SOURCES})
        target_link_libraries(${exe} PRIVATE lb_test_support Qt6::Test ${T_LIBS})
    endif()
    add_test(NAME ${name} COMMAND ${T_WRAPPER} $<TARGET_FILE:${exe}> ${T_ARGS})
    set(env
        QT_QPA_PLATFORM=offscreen
        QT_LOGGING_RULES=lb.*.debug=false
        LB_TEST_NAME=${name}
        LB_TEST_PG_STATE=${LB_TEST_PG_STATE}
        ${T_ENV})
    set_tests_properties(${name} PROPERTIES ENVIRONMENT "${env}")
    if(T_FIXTURES)
        set_tests_properties(${name} PROPERTIES FIXTURES_REQUIRED "${T_FIXTURES}")
    endif()
    if(T_LABELS)
        set_tests_properties(${name} PROPERTIES LABELS "${T_LABELS}")
    endif()
    if(T_TIMEOUT)
        set_tests_properties(${name} PROPERTIES TIMEOUT ${T_TIMEOUT})
    endif()
endfunction()
