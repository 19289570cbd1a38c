// Command collections exercises sort (ints, strings, structs, stable),
// maps (insert/delete/grow, iterated through sorted keys), slices,
// encoding/json round trips, strings.Builder and fmt verbs.
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"sort"
	"strings"
)

type Person struct {
	Name    string            `json:"name"`
	Age     int               `json:"age"`
	Email   string            `json:"email,omitempty"`
	Scores  []float64         `json:"scores"`
	Tags    map[string]string `json:"tags,omitempty"`
	Manager *Person           `json:"manager,omitempty"`
	private int
}

type byAgeName []Person

func (p byAgeName) Len() int      { return len(p) }
func (p byAgeName) Swap(i, j int) { p[i], p[j] = p[j], p[i] }
func (p byAgeName) Less(i, j int) bool {
	if p[i].Age != p[j].Age {
		return p[i].Age < p[j].Age
	}
	return p[i].Name < p[j].Name
}

type rng uint64

func (r *rng) next() uint64 {
	*r ^= *r << 13
	*r ^= *r >> 7
	*r ^= *r << 17
	return uint64(*r)
}

func main() {
	r := rng(88172645463325252)
	ints := make([]int, 50000)
	for i := range ints {
		ints[i] = int(r.next()%100000) - 50000
	}
	sort.Ints(ints)
	fmt.Println("ints sorted:", sort.IntsAreSorted(ints), ints[0], ints[len(ints)/2], ints[len(ints)-1])
	i := sort.SearchInts(ints, 0)
	fmt.Println("first >= 0 at", i, ints[i])
	slices.Reverse(ints)
	fmt.Println("reversed:", ints[:3], "max", slices.Max(ints), "contains 12345:", slices.Contains(ints, 12345))

	words := make([]string, 5000)
	for i := range words {
		var b strings.Builder
		n := 1 + r.next()%7
		for j := uint64(0); j < n; j++ {
			b.WriteByte(byte('a' + r.next()%5))
		}
		words[i] = b.String()
	}
	sort.Strings(words)
	fmt.Println("words:", words[0], words[1000], words[2500], words[4999], len(slices.Compact(slices.Clone(words))))

	people := make([]Person, 2000)
	for i := range people {
		people[i] = Person{Name: fmt.Sprintf("p%04d", r.next()%3000), Age: 20 + int(r.next()%50)}
	}
	sort.Stable(byAgeName(people))
	fmt.Println("people:", people[0].Name, people[0].Age, people[1999].Name, people[1999].Age)
	sort.SliceStable(people, func(a, b int) bool { return people[a].Name < people[b].Name })
	fmt.Println("by name:", people[0].Name, people[0].Age, people[1000].Name, people[1000].Age)

	// maps: counts, deletes, growth; printed through sorted keys
	counts := map[string]int{}
	for _, w := range words {
		counts[w]++
	}
	for k := range counts {
		if len(k) > 5 {
			delete(counts, k)
		}
	}
	keys := make([]string, 0, len(counts))
	for k := range counts {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(a, b int) bool {
		if counts[keys[a]] != counts[keys[b]] {
			return counts[keys[a]] > counts[keys[b]]
		}
		return keys[a] < keys[b]
	})
	fmt.Println("distinct short words:", len(keys))
	for _, k := range keys[:8] {
		fmt.Printf("  %-6s %d\n", k, counts[k])
	}
	big := map[int]int{}
	for i := 0; i < 100000; i++ {
		big[int(r.next()%50000)] += i
	}
	sum := 0
	for k, v := range big {
		sum += k ^ v
	}
	fmt.Println("big map:", len(big), sum)

	// JSON
	boss := &Person{Name: "Ada", Age: 36, Scores: []float64{9.5}}
	in := []Person{
		{Name: "Grace", Age: 45, Email: "g@example.com", Scores: []float64{1, 2.5, 1e21, 0.1}, Tags: map[string]string{"z": "last", "a": "first", "m": "<&>"}, Manager: boss},
		{Name: "Linus \"L\" T\u00e9st", Age: 28, Scores: nil},
	}
	b, err := json.Marshal(in)
	fmt.Println(string(b), err)
	var out []Person
	err = json.Unmarshal(b, &out)
	b2, _ := json.MarshalIndent(out, "", "  ")
	fmt.Println(string(b2), err)
	var generic any
	json.Unmarshal([]byte(`{"b":[1,2,{"c":null,"d":true}],"a":1.5e300,"s":"\u00e9\n"}`), &generic)
	gb, _ := json.Marshal(generic)
	fmt.Println(string(gb))
	var bad struct{ A int }
	err = json.Unmarshal([]byte(`{"A":"x"}`), &bad)
	fmt.Println("error:", err)

	// fmt verbs
	type pt struct {
		X, Y int
		S    string
	}
	v := pt{1, -2, "s"}
	fmt.Printf("%v %+v %#v %T\n", v, v, v, v)
	fmt.Printf("%q %x %X % x %08b %o %#o %U %c\n", "hi\n", "hex", []byte{1, 171}, "ab", 5, 64, 64, 0x1F600, 'G')
	fmt.Printf("%6.2f|%-8.3e|%+g|%10s|%-10s|%t|%v|%d\n", 3.14159, 12345.678, 1e-7, "r", "l", true, []int{1, 2}, []int8{-1})
	fmt.Printf("%v %v %v\n", map[string]int{"b": 2, "a": 1}, [3]bool{true}, struct{}{})
	fmt.Fprintf(os.Stderr, "stderr: %d items\n", len(in))
}
