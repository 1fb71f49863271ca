"""Sums the TRX result files under a folder and prints 'PASSED FAILED'."""
import glob
import sys
import xml.etree.ElementTree as ET

passed = failed = 0
for path in glob.glob(sys.argv[1] + "/**/*.trx", recursive=True):
    counters = ET.parse(path).getroot().find(".//{*}Counters")
    if counters is None:
        continue
    passed += int(counters.get("passed", 0))
    failed += sum(int(counters.get(k, 0)) for k in ("failed", "error", "timeout", "aborted"))
print(f"{passed} {failed}")
