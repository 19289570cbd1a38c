//go:build linux

package conformance

import (
	"maps"
	"testing"
)

func TestParseGoTest(t *testing.T) {
	out := "=== RUN   TestA\n--- PASS: TestA (0.00s)\n=== RUN   TestB\n=== RUN   TestB/sub\n" +
		"    --- FAIL: TestB/sub (0.00s)\n        x_test.go:9: got 1, want 2\n--- FAIL: TestB (0.00s)\n" +
		"=== RUN   TestC\n    c_test.go:3: no network\n--- SKIP: TestC (0.00s)\n=== RUN   TestD\n"
	cases := []struct {
		name   string
		run    Run
		want   map[string]string
		noteOf string
		note   string
	}{
		{"crash mid-test", Run{Unit: "p", Stdout: []byte(out), Status: 2},
			map[string]string{"p": Crash, "p::TestA": Pass, "p::TestB": Fail, "p::TestC": Skip, "p::TestD": Crash},
			"p::TestB", "x_test.go:9: got 1, want 2"},
		{"timeout", Run{Unit: "p", Stdout: []byte(out), Status: -1, TimedOut: true},
			map[string]string{"p": Timeout, "p::TestA": Pass, "p::TestB": Fail, "p::TestC": Skip, "p::TestD": Timeout},
			"p::TestD", "ran out of time"},
		{"ordinary failure", Run{Unit: "p", Stdout: []byte("=== RUN   TestA\n--- FAIL: TestA (0.00s)\n    boom\nFAIL\n"), Status: 1},
			map[string]string{"p": Fail, "p::TestA": Fail}, "p::TestA", "boom"},
		{"streamed log", Run{Unit: "p", Stdout: []byte("=== RUN   TestE\n=== PAUSE TestE\n=== RUN   TestF\n--- PASS: TestF (0.00s)\n" +
			"=== CONT  TestE\n    e_test.go:5: streamed\n--- FAIL: TestE (0.00s)\nFAIL\n"), Status: 1},
			map[string]string{"p": Fail, "p::TestE": Fail, "p::TestF": Pass}, "p::TestE", "e_test.go:5: streamed"},
		{"pass", Run{Unit: "p", Stdout: []byte("=== RUN   TestA\n--- PASS: TestA (0.00s)\nPASS\n")},
			map[string]string{"p": Pass, "p::TestA": Pass}, "", ""},
	}
	for _, c := range cases {
		got := parseGoTest(&c.run)
		if !maps.Equal(got, c.want) {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
		if c.noteOf != "" {
			if n := notes("gotest", &c.run, got)[c.noteOf]; n != c.note {
				t.Errorf("%s: note %q, want %q", c.name, n, c.note)
			}
		}
	}
}

func TestParseRegrtest(t *testing.T) {
	out := "0:00:00 load avg: 0.5 [1/1] test_x\n" +
		"test_a (test.test_x.T.test_a) ... ok\n" +
		"test_b (test.test_x.T.test_b)\nA docstring ... FAIL\n" +
		"test_c (test.test_x.T.test_c) ... skipped 'no'\n" +
		"test_d (test.test_x.T.test_d) ... expected failure\n" +
		"test_e (test.test_x.T.test_e) ... ERROR\n" +
		"\n======\nFAIL: test_b (test.test_x.T.test_b)\n------\nTraceback...\nAssertionError: 1 != 2\n\n------\n" +
		"Ran 5 tests\n\nFAILED (failures=1)\ntest_x failed (1 failure)\n\n== Tests result: FAILURE ==\n"
	got := parseRegrtest(&Run{Unit: "test_x", Stdout: []byte(out), Status: 2})
	want := map[string]string{"test_x": Fail, "test_x::T.test_a": Pass, "test_x::T.test_b": Fail,
		"test_x::T.test_c": Skip, "test_x::T.test_d": Pass, "test_x::T.test_e": Fail}
	if !maps.Equal(got, want) {
		t.Errorf("got %v\nwant %v", got, want)
	}
	if n := notes("regrtest", &Run{Unit: "test_x", Stdout: []byte(out)}, got)["test_x::T.test_b"]; n != "AssertionError: 1 != 2" {
		t.Errorf("note %q", n)
	}
	pkg := "test_a (test.test_pkg.test_mod.T.test_a) ... ok\ntest_pkg skipped\n== Tests result: SUCCESS ==\n"
	got = parseRegrtest(&Run{Unit: "test_pkg", Stdout: []byte(pkg)})
	want = map[string]string{"test_pkg": Skip, "test_pkg::test_mod::T.test_a": Pass}
	if !maps.Equal(got, want) {
		t.Errorf("package: got %v, want %v", got, want)
	}
	if got := parseRegrtest(&Run{Unit: "test_y", Stdout: []byte("test_a (test.test_y.T.test_a) ...")}); got["test_y"] != Crash || got["test_y::T.test_a"] != Crash {
		t.Errorf("a module that died: %v", got)
	}
}

func TestClassify(t *testing.T) {
	ran := &UnitResult{Status: 0}
	died := &UnitResult{Status: 139}
	slow := &UnitResult{TimedOut: true, Status: -1}
	cases := []struct {
		o, c string
		u    *UnitResult
		want string
	}{
		{Pass, Pass, ran, Match},
		{Skip, Skip, ran, Match},
		{Pass, Fail, ran, Diff},
		{Pass, Skip, ran, Diff},
		{Skip, Pass, ran, Diff},
		{Fail, Fail, ran, OracleFail},
		{Fail, Pass, ran, OracleFail},
		{Crash, Pass, ran, OracleFail},
		{"", Pass, ran, OracleFail},
		{Pass, Crash, died, CarrickCrash},
		{Pass, "", died, CarrickCrash},
		{Pass, Timeout, slow, TimedOut},
		{Pass, "", slow, TimedOut},
		{Pass, "", ran, Diff},
		{"exit 0, output 1", "exit 0, output 1", ran, Match},
		{"exit 0, output 1", "exit 0, output 2", ran, Diff},
	}
	for _, c := range cases {
		if v, _ := classify(c.o, c.c, c.u); v != c.want {
			t.Errorf("classify(%q, %q, %+v) = %s, want %s", c.o, c.c, *c.u, v, c.want)
		}
	}
}

func TestBaseline(t *testing.T) {
	b := &Baseline{Verdicts: map[string]string{"a": Match, "b": "DIFF: x", "c": Match}}
	r := &Report{Verdicts: []Verdict{{Test: "a", Verdict: Diff, Note: "y"}, {Test: "b", Verdict: Match},
		{Test: "c", Verdict: Match}, {Test: "d", Verdict: Match}}}
	reg, imp := b.Compare(r)
	if len(reg) != 1 || reg[0].Test != "a" || len(imp) != 2 || imp[0].Test != "b" || imp[1].Test != "d" {
		t.Errorf("Compare: regressions %v, improvements %v", reg, imp)
	}
	b.Bless(&Report{Verdicts: []Verdict{{Test: "b", Verdict: Match}}}, false, nil)
	if b.Verdicts["b"] != Match || b.Verdicts["a"] != Match {
		t.Errorf("partial bless: %v", b.Verdicts)
	}
	b.Bless(r, true, map[string]string{"blessed": "today"})
	if len(b.Verdicts) != 4 || b.Verdicts["a"] != "DIFF: y" {
		t.Errorf("full bless: %v", b.Verdicts)
	}
}

func TestSplice(t *testing.T) {
	doc := []byte("# T\n\nintro\n\n" + BeginMark + "\nold\n" + EndMark + "\n\nafter\n")
	got := string(Splice(doc, []byte("new\n")))
	want := "# T\n\nintro\n\n" + BeginMark + "\nnew\n" + EndMark + "\n\nafter\n"
	if got != want {
		t.Errorf("Splice:\n%s\nwant\n%s", got, want)
	}
	if got := string(Splice([]byte("# T\n"), []byte("x\n"))); got != "# T\n\n"+BeginMark+"\nx\n"+EndMark+"\n" {
		t.Errorf("Splice into a document without marks:\n%s", got)
	}
}
