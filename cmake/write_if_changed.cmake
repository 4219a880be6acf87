# write_if_changed(PATH CONTENT): writes PATH only when its text would change, so a generated
# source whose text is the same does not make its dependents rebuild.
function(write_if_changed path content)
  set(old "")
  if(EXISTS "${path}")
    file(READ "${path}" old)
  endif()
  if(NOT old STREQUAL content)
    file(WRITE "${path}" "${content}")
  endif()
endfunction()
