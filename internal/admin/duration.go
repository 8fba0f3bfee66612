package admin

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// maxDuration bounds key lifetimes and budget periods at a century.
const maxDuration = 100 * 365 * 24 * time.Hour

// parseDuration reads LiteLLM's durations: a whole number and a unit, s, m,
// h, d, w or mo (30 days), such as "30s", "20m", "1h", "30d", "1mo".
func parseDuration(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	units := []struct {
		suffix string
		unit   time.Duration
	}{
		{"mo", 30 * 24 * time.Hour},
		{"s", time.Second},
		{"m", time.Minute},
		{"h", time.Hour},
		{"d", 24 * time.Hour},
		{"w", 7 * 24 * time.Hour},
	}
	for _, u := range units {
		num, ok := strings.CutSuffix(s, u.suffix)
		if !ok {
			continue
		}
		n, err := strconv.ParseInt(num, 10, 64)
		if err != nil || n <= 0 || n > int64(maxDuration/u.unit) {
			break
		}
		return time.Duration(n) * u.unit, nil
	}
	return 0, fmt.Errorf("invalid duration %q: want a positive whole number and a unit (s, m, h, d, w, mo), such as \"30d\"", s)
}
