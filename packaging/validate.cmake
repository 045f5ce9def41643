# Validation of the desktop entry and the AppStream metainfo.
#
# Two roles in one file:
#
# 1. Included from tests/CMakeLists.txt (enable_testing() has run there; it has not
#    yet when packaging/CMakeLists.txt is processed, so the test cannot live there):
#        include(${PROJECT_SOURCE_DIR}/packaging/validate.cmake)
#    registers the ctest test `packaging_validate` (label: unit).
#
# 2. Run by that test as a script:
#        cmake -DDESKTOP_FILE_VALIDATE=<exe|""> -DAPPSTREAMCLI=<exe|"">
#              -DDESKTOP_FILE=<file> -DMETAINFO_FILE=<file> -P validate.cmake
#    runs `desktop-file-validate` (fails on any error or warning) and
#    `appstreamcli validate --no-net` (fails on any error or warning; infos and
#    pedantic notes are allowed).
#
# A validator that is not installed is left out of the test; when neither is
# installed the test is not registered at all.

if(CMAKE_SCRIPT_MODE_FILE)
    set(_failed FALSE)

    if(DESKTOP_FILE_VALIDATE)
        message(STATUS "desktop-file-validate ${DESKTOP_FILE}")
        execute_process(
            COMMAND "${DESKTOP_FILE_VALIDATE}" "${DESKTOP_FILE}"
            RESULT_VARIABLE _rc
            OUTPUT_VARIABLE _out
            ERROR_VARIABLE _out)
        if(_out)
            message("${_out}")
        endif()
        if(NOT _rc EQUAL 0 OR _out MATCHES ": (error|warning): ")
            message(SEND_ERROR "desktop-file-validate reported problems (exit code ${_rc})")
            set(_failed TRUE)
        endif()
    endif()

    if(APPSTREAMCLI)
        message(STATUS "appstreamcli validate --no-net ${METAINFO_FILE}")
        execute_process(
            COMMAND "${APPSTREAMCLI}" validate --no-net "${METAINFO_FILE}"
            RESULT_VARIABLE _rc
            OUTPUT_VARIABLE _out
            ERROR_VARIABLE _out)
        if(_out)
            message("${_out}")
        endif()
        # appstreamcli exits non-zero on errors and warnings; "E:"/"W:" lines are
        # checked as well in case a future version only reports them.
        if(NOT _rc EQUAL 0 OR _out MATCHES "(^|\n)[EW]: ")
            message(SEND_ERROR "appstreamcli validate reported problems (exit code ${_rc})")
            set(_failed TRUE)
        endif()
    endif()

    if(_failed)
        message(FATAL_ERROR "packaging metadata validation failed")
    endif()
    return()
endif()

include_guard(GLOBAL)

if(BALLAST_BUILD_TESTS)
    find_program(BALLAST_DESKTOP_FILE_VALIDATE desktop-file-validate
        DOC "desktop-file-validate, used by the packaging_validate test")
    find_program(BALLAST_APPSTREAMCLI appstreamcli
        DOC "appstreamcli, used by the packaging_validate test")

    set(_validate_args "")
    if(BALLAST_DESKTOP_FILE_VALIDATE)
        list(APPEND _validate_args "-DDESKTOP_FILE_VALIDATE=${BALLAST_DESKTOP_FILE_VALIDATE}")
    else()
        message(STATUS "packaging_validate: desktop-file-validate not found; .desktop file not checked")
    endif()
    if(BALLAST_APPSTREAMCLI)
        list(APPEND _validate_args "-DAPPSTREAMCLI=${BALLAST_APPSTREAMCLI}")
    else()
        message(STATUS "packaging_validate: appstreamcli not found; metainfo not checked")
    endif()

    if(_validate_args)
        add_test(NAME packaging_validate
            COMMAND ${CMAKE_COMMAND}
                ${_validate_args}
                "-DDESKTOP_FILE=${CMAKE_CURRENT_LIST_DIR}/io.ballast.Ballast.desktop"
                "-DMETAINFO_FILE=${CMAKE_CURRENT_LIST_DIR}/io.ballast.Ballast.metainfo.xml"
                -P "${CMAKE_CURRENT_LIST_FILE}")
        set_tests_properties(packaging_validate PROPERTIES
            LABELS unit
            TIMEOUT 60)
    else()
        message(STATUS "packaging_validate: no validator found; test not registered")
    endif()
    unset(_validate_args)
endif()
