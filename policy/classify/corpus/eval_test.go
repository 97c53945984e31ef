package corpus_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"dataward/policy/classify"
	"dataward/policy/classify/corpus"
)

// verdictOf classifies one file, turning a classifier panic into an error so
// one bad file does not hide the scores of the rest.
func verdictOf(ctx context.Context, path string) (v classify.Verdict, err error) {
	f, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("opening corpus file: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return "", fmt.Errorf("stat corpus file: %w", err)
	}
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("classifier panicked: %v", r)
		}
	}()
	return classify.Classify(ctx, f, st.Size(), classify.DefaultOptions()).Verdict, nil
}

// TestClassifierOnCorpus scores the classifier on the generated corpus:
// precision and recall of "personal" must both reach 0.95 and every
// encrypted file must be called encrypted. Misses are logged per shape, by
// path and verdict only, never contents.
func TestClassifierOnCorpus(t *testing.T) {
	dir := t.TempDir()
	cases, err := corpus.Generate(dir, 1)
	require.NoError(t, err)

	type row struct {
		want string
		got  map[classify.Verdict]int
		miss int
	}
	shapes := map[string]*row{}
	var tp, fp, fn, encHit, encN int
	var failed []string
	var took []time.Duration
	for _, c := range cases {
		start := time.Now()
		v, err := verdictOf(t.Context(), filepath.Join(dir, filepath.FromSlash(c.Path)))
		took = append(took, time.Since(start))
		if err != nil {
			failed = append(failed, c.Path+": "+err.Error())
			v = "error"
		}
		r := shapes[c.Shape]
		if r == nil {
			r = &row{want: c.Want, got: map[classify.Verdict]int{}}
			shapes[c.Shape] = r
		}
		r.got[v]++
		personal := v == classify.Personal
		switch c.Want {
		case corpus.WantPersonal:
			if personal {
				tp++
			} else {
				fn++
				r.miss++
			}
		case corpus.WantEncrypted:
			encN++
			if v == classify.Encrypted {
				encHit++
			} else {
				r.miss++
			}
			if personal {
				fp++
			}
		default:
			if personal {
				fp++
				r.miss++
			}
		}
	}

	precision, recall := ratio(tp, tp+fp), ratio(tp, tp+fn)
	slices.Sort(took)
	t.Logf("%d files: precision %.3f (tp %d, fp %d), recall %.3f (fn %d), encrypted %d/%d; latency p50 %v p95 %v max %v",
		len(cases), precision, tp, fp, recall, fn, encHit, encN,
		took[len(took)/2], took[len(took)*95/100], took[len(took)-1])

	names := make([]string, 0, len(shapes))
	for s, r := range shapes {
		if r.miss > 0 {
			names = append(names, s)
		}
	}
	sort.Strings(names)
	if len(names) > 0 {
		t.Logf("%-44s %-9s %s", "shape with misses", "want", "got")
	}
	for _, s := range names {
		r := shapes[s]
		var got []string
		for v, n := range r.got {
			got = append(got, fmt.Sprintf("%s=%d", v, n))
		}
		sort.Strings(got)
		t.Logf("%-44s %-9s %s", s, r.want, strings.Join(got, " "))
	}

	if len(failed) > 0 {
		t.Errorf("classifier failed on %d files, first: %s", len(failed), failed[0])
	}
	if precision < 0.95 {
		t.Errorf("precision %.3f < 0.95", precision)
	}
	if recall < 0.95 {
		t.Errorf("recall %.3f < 0.95", recall)
	}
	if encHit != encN {
		t.Errorf("%d of %d encrypted files not called encrypted", encN-encHit, encN)
	}
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}
