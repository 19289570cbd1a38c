package programs

import (
	"bufio"
	"os"
	"strings"
)

// ArgsOf reads a test program's guest arguments from a "// args: a b c"
// line of its source src (split on spaces); none when there is no such line.
func ArgsOf(src string) []string {
	f, err := os.Open(src)
	if err != nil {
		return nil
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(strings.TrimSpace(sc.Text()), "// args:"); ok {
			return strings.Fields(rest)
		}
	}
	return nil
}
