package title

import (
	"math"
	"strings"
	"testing"
	"time"
)

func TestConfigValidate(t *testing.T) {
	if err := (Config{}).Validate(); err != nil {
		t.Fatalf("the zero Config: %v", err)
	}
	for _, tc := range []struct {
		c    Config
		want string
	}{
		{Config{Timeout: -time.Second}, "timeout -1s must not be negative"},
		{Config{ConnectTimeout: -1}, "connect timeout"},
		{Config{MaxBytes: -5}, "max bytes -5"},
		{Config{PerHost: -1}, "per host -1"},
		{Config{Rate: math.NaN()}, "rate NaN"},
		{Config{HostRate: -2}, "host rate -2"},
		{Config{UserAgent: "a\r\nX-Evil: 1"}, "user agent"},
	} {
		err := tc.c.Validate()
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: %v, want %q", tc.c, err, tc.want)
		}
	}
}
