import { fireEvent, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { Composer } from './Composer';

function setup() {
  const onSend = vi.fn();
  render(<Composer channel="#general" onSend={onSend} />);
  const input = screen.getByRole('textbox', { name: 'Message #general' });
  return { onSend, input, user: userEvent.setup() };
}

describe('Composer', () => {
  it('sends on Enter and clears the draft', async () => {
    const { onSend, input, user } = setup();
    await user.type(input, 'hello there{Enter}');
    expect(onSend).toHaveBeenCalledExactlyOnceWith('hello there');
    expect(input).toHaveValue('');
  });

  it('starts a new line on Shift+Enter instead of sending', async () => {
    const { onSend, input, user } = setup();
    await user.type(input, 'line one{Shift>}{Enter}{/Shift}line two');
    expect(onSend).not.toHaveBeenCalled();
    expect(input).toHaveValue('line one\nline two');
    await user.click(screen.getByRole('button', { name: 'Send' }));
    expect(onSend).toHaveBeenCalledWith('line one\nline two');
  });

  it('does not send a draft of only whitespace', async () => {
    const { onSend, input, user } = setup();
    await user.type(input, '   {Enter}');
    expect(onSend).not.toHaveBeenCalled();
    expect(screen.getByRole('button', { name: 'Send' })).toBeDisabled();
  });

  it('counts down near the 4000 limit, in code points', () => {
    const { input } = setup();
    fireEvent.change(input, { target: { value: '🙂'.repeat(3999) } });
    expect(screen.getByText('1 character left')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Send' })).toBeEnabled();
    fireEvent.change(input, { target: { value: 'a'.repeat(3400) } });
    expect(screen.queryByText(/left$/)).not.toBeInTheDocument();
    fireEvent.change(input, { target: { value: 'a'.repeat(3600) } });
    expect(screen.getByText('400 characters left')).toBeInTheDocument();
  });

  it('refuses a message over 4000 code points and says by how much', async () => {
    const { onSend, input, user } = setup();
    fireEvent.change(input, { target: { value: 'x'.repeat(4002) } });
    expect(screen.getByText('2 characters over the limit')).toBeInTheDocument();
    expect(input).toHaveAttribute('aria-invalid', 'true');
    expect(screen.getByRole('button', { name: 'Send' })).toBeDisabled();
    input.focus();
    await user.keyboard('{Enter}');
    expect(onSend).not.toHaveBeenCalled();
  });
});
