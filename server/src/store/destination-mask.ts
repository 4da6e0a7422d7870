// Masked destinations for logs and for outbox rows once sent: enough to tell messages apart when
// investigating, never the full number or address (threat-model.md T8).

/** "+4520123478" → "+•••••••••78"; "anna@gmail.com" → "a•••@g•••.com". */
export function maskDestination(channel: 'sms' | 'email', destination: string): string {
  if (channel === 'email') {
    const at = destination.lastIndexOf('@');
    if (at <= 0) return '•••';
    const local = destination.slice(0, at);
    const domain = destination.slice(at + 1);
    const dot = domain.lastIndexOf('.');
    const tld = dot > 0 ? domain.slice(dot) : '';
    return `${local.slice(0, 1)}•••@${domain.slice(0, 1)}•••${tld}`;
  }
  const digits = destination.replace(/[^0-9]/g, '');
  if (digits.length <= 2) return '•••';
  return `${destination.startsWith('+') ? '+' : ''}${'•'.repeat(digits.length - 2)}${digits.slice(-2)}`;
}
