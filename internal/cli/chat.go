package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/litellm-go/gateway/internal/apiclient"
	"github.com/litellm-go/gateway/internal/apitype"
)

func (a *app) newChatCmd() *cobra.Command {
	var message, system string
	cmd := &cobra.Command{
		Use:   "chat [MODEL]",
		Short: "Chat with a model in the terminal",
		Long: "Chat with a model: each line you type is sent with the conversation so far,\n" +
			"and the answer is printed as it streams in. Type /exit or press Ctrl-D to\n" +
			"quit. With -m, ask one question and print the answer. MODEL defaults to the\n" +
			"first of 'litellm-proxy models list'.",
		Args: chatArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := a.client(cmd)
			if err != nil {
				return err
			}
			model, err := chatModel(cmd.Context(), c, args)
			if err != nil {
				return err
			}
			s := &chatSession{c: c, model: model, out: a.stdout}
			if system != "" {
				s.history = append(s.history, apitype.ChatMessage{Role: "system", Content: system})
			}
			if cmd.Flags().Changed("message") {
				return s.ask(cmd.Context(), message)
			}
			return a.chatLoop(cmd.Context(), s)
		},
	}
	cmd.Flags().StringVarP(&message, "message", "m", "", "ask this one question and exit")
	cmd.Flags().StringVar(&system, "system", "", "system prompt that starts the conversation")
	return cmd
}

func chatArgs(_ *cobra.Command, args []string) error {
	if len(args) > 1 {
		return usageErrorf("unexpected argument %q", args[1])
	}
	return nil
}

// chatModel returns the model named on the command line, else the first
// one the caller may use.
func chatModel(ctx context.Context, c *apiclient.Client, args []string) (string, error) {
	if len(args) == 1 {
		return args[0], nil
	}
	list, err := c.ListModels(ctx)
	if err != nil {
		return "", err
	}
	if len(list.Data) == 0 {
		return "", errors.New("you may use no model on this gateway; ask an admin for access")
	}
	return list.Data[0].ID, nil
}

// chatSession is one conversation with a model.
type chatSession struct {
	c       *apiclient.Client
	model   string
	history []apitype.ChatMessage
	out     io.Writer
}

// ask sends prompt with the conversation so far and prints the answer as
// it streams in. A failed exchange leaves the conversation as it was.
func (s *chatSession) ask(ctx context.Context, prompt string) error {
	s.history = append(s.history, apitype.ChatMessage{Role: "user", Content: prompt})
	req := apitype.ChatRequest{Model: s.model, Messages: s.history}
	text, err := s.c.ChatStream(ctx, req, func(piece string) error {
		_, err := io.WriteString(s.out, piece)
		return err
	})
	if text != "" {
		fmt.Fprintln(s.out)
	}
	if err != nil {
		s.history = s.history[:len(s.history)-1]
		return err
	}
	s.history = append(s.history, apitype.ChatMessage{Role: "assistant", Content: text})
	return nil
}

// chatLoop reads questions from stdin, a line each, until /exit or the
// end of the input. Prompts and errors go to stderr, so that stdout holds
// only the answers; an error ends the loop only when the command was
// interrupted.
func (a *app) chatLoop(ctx context.Context, s *chatSession) error {
	interactive := a.isTerminal(a.stdin)
	if interactive {
		fmt.Fprintf(a.stderr, "Chatting with %s. Type /exit or press Ctrl-D to quit.\n", s.model)
	}
	sc := bufio.NewScanner(a.stdin)
	sc.Buffer(make([]byte, 0, 4096), 1<<20)
	for {
		if interactive {
			fmt.Fprint(a.stderr, "> ")
		}
		if !sc.Scan() {
			if interactive {
				fmt.Fprintln(a.stderr)
			}
			return sc.Err()
		}
		line := strings.TrimSpace(sc.Text())
		switch line {
		case "":
			continue
		case "/exit", "/quit":
			return nil
		}
		if err := s.ask(ctx, line); err != nil {
			if ctx.Err() != nil {
				return err
			}
			_, msg := a.explain(err)
			fmt.Fprintf(a.stderr, "error: %s\n", msg)
		}
	}
}
