# tests/cli/test_layers.sh - the house: every room of src/ is in
# docs/ARCHITECTURE.md's map, no room includes one of a layer above it,
# and no circle of includes joins two rooms (tests/tools/layers.py).
. "$(dirname "$0")/lib.sh"
TOP=${SOURCE_DIR:-$(dirname "$0")/../..}
out=$(python3 "$TOP/tests/tools/layers.py" "$TOP" 2>&1)
expect_eq "$out" "" "the include graph against the map"
finish
