package shim

import (
	"context"
	"net"
	"strings"
	"sync"
	"time"

	eventsapi "github.com/containerd/containerd/api/services/ttrpc/events/v1"
	"github.com/containerd/containerd/api/types"
	"github.com/containerd/ttrpc"
	"github.com/containerd/typeurl/v2"
	"github.com/sirupsen/logrus"
	"google.golang.org/protobuf/types/known/timestamppb"
)

// Event topics (containerd's runtime v2 contract).
const (
	topicCreate      = "/tasks/create"
	topicStart       = "/tasks/start"
	topicExit        = "/tasks/exit"
	topicDelete      = "/tasks/delete"
	topicExecAdded   = "/tasks/exec-added"
	topicExecStarted = "/tasks/exec-started"
	topicPaused      = "/tasks/paused"
	topicResumed     = "/tasks/resumed"
)

// publisher forwards task events to containerd's ttrpc Events service
// ($TTRPC_ADDRESS), in the order they were published, from one goroutine:
// a slow daemon never blocks a task call. Each event is retried a few
// times; the connection is redialled after a failure.
type publisher struct {
	addr, ns string

	mu      sync.Mutex
	queue   []*types.Envelope
	ready   chan struct{}
	idle    *sync.Cond
	sending bool
	client  *ttrpc.Client
}

func newPublisher(addr, ns string) *publisher {
	p := &publisher{addr: strings.TrimPrefix(addr, "unix://"), ns: ns, ready: make(chan struct{}, 1)}
	p.idle = sync.NewCond(&p.mu)
	go p.loop()
	return p
}

func (p *publisher) publish(topic string, ev any) {
	a, err := typeurl.MarshalAnyToProto(ev)
	if err != nil {
		logrus.WithError(err).Errorf("event %s", topic)
		return
	}
	env := &types.Envelope{Timestamp: timestamppb.Now(), Namespace: p.ns, Topic: topic, Event: a}
	p.mu.Lock()
	p.queue = append(p.queue, env)
	p.mu.Unlock()
	select {
	case p.ready <- struct{}{}:
	default:
	}
}

func (p *publisher) loop() {
	for range p.ready {
		for {
			p.mu.Lock()
			if len(p.queue) == 0 {
				p.sending = false
				p.idle.Broadcast()
				p.mu.Unlock()
				break
			}
			env := p.queue[0]
			p.queue = p.queue[1:]
			p.sending = true
			p.mu.Unlock()
			p.forward(env)
		}
	}
}

func (p *publisher) forward(env *types.Envelope) {
	if p.addr == "" {
		return
	}
	for attempt := 0; attempt < 5; attempt++ {
		if p.client == nil {
			conn, err := net.Dial("unix", p.addr)
			if err != nil {
				logrus.WithError(err).Warnf("event %s: dial", env.Topic)
				time.Sleep(time.Duration(attempt+1) * 100 * time.Millisecond)
				continue
			}
			p.client = ttrpc.NewClient(conn)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		_, err := eventsapi.NewTTRPCEventsClient(p.client).Forward(ctx, &eventsapi.ForwardRequest{Envelope: env})
		cancel()
		if err == nil {
			return
		}
		logrus.WithError(err).Warnf("event %s: forward", env.Topic)
		p.client.Close()
		p.client = nil
		time.Sleep(time.Duration(attempt+1) * 100 * time.Millisecond)
	}
}

// drain waits (up to d) until every published event was sent.
func (p *publisher) drain(d time.Duration) {
	done := make(chan struct{})
	go func() {
		p.mu.Lock()
		for len(p.queue) > 0 || p.sending {
			p.idle.Wait()
		}
		p.mu.Unlock()
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(d):
	}
}
