package cluster

import (
	"fmt"

	"github.com/nats-io/nats.go"
)

// Connect opens a connection of the server's own, in process and with
// the credentials it was started with, as Setup uses: for the broker's
// web page. It fails with ErrNoSetup when the server's users come from a
// configuration file.
func (s *Server) Connect(opts ...nats.Option) (*nats.Conn, error) {
	if s.self == nil {
		return nil, ErrNoSetup
	}
	nc, err := nats.Connect("", append(append([]nats.Option(nil), s.self...), opts...)...)
	if err != nil {
		return nil, fmt.Errorf("cluster: connect in process: %w", err)
	}
	return nc, nil
}
