# embed.cmake - writes OUT, a C file defining site_asset_js and
# site_asset_css (NUL-terminated) from the files JS and CSS, so that the
# binary carries the site's own script and style (src/site/assets/).
# Run by the build: cmake -DJS=.. -DCSS=.. -DOUT=.. -P embed.cmake
set(text "/* Generated from src/site/assets/ by cmake/embed.cmake: do not edit. */\n")
foreach(pair "site_asset_js=${JS}" "site_asset_css=${CSS}")
  string(REGEX MATCH "^[^=]+" name "${pair}")
  string(REGEX REPLACE "^[^=]+=" "" path "${pair}")
  file(READ "${path}" hex HEX)
  string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
  string(APPEND text "extern const unsigned char ${name}[];\nconst unsigned char ${name}[] = {${bytes}0x00};\n")
endforeach()
file(WRITE "${OUT}.tmp" "${text}")
file(RENAME "${OUT}.tmp" "${OUT}")
