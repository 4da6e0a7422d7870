// The readable plan `mypass branding` prints: per target (default, then each localization) the
// properties that change, old value "-" and new value "+", multi-line text indented, limits named.
import type { BrandingPlan, BrandingTarget, FieldChange } from './branding-plan.js';

function show(value: string | boolean | null): string[] {
  if (value === null) return ['(not set)'];
  if (typeof value === 'boolean') return [String(value)];
  if (value === '') return ['(empty)'];
  return value.split('\n');
}

function renderChange(change: FieldChange, target: BrandingTarget): string[] {
  const lines = [`  ${change.field}`];
  if (target.action !== 'create') {
    for (const l of show(change.from)) lines.push(`    - ${l}`.trimEnd());
  }
  for (const l of show(change.to)) lines.push(`    + ${l}`.trimEnd());
  return lines;
}

function heading(target: BrandingTarget): string {
  const name = target.id === 'default' ? 'default branding' : `localization ${target.id}`;
  const verb = target.action === 'create' ? 'create' : target.action === 'unchanged' ? 'no change' : 'update';
  return `${name} (MyPass text: ${target.language}) — ${verb}`;
}

export function renderBrandingPlan(
  plan: BrandingPlan,
  header: { tenantId: string; resetUrl: string; mode: 'dry-run' | 'apply' },
): string {
  const out: string[] = [
    `MyPass sign-in branding for tenant ${header.tenantId}`,
    `  reset page: ${header.resetUrl}`,
    `  mode: ${header.mode === 'dry-run' ? 'dry run (nothing is written; --apply writes it)' : 'apply'}`,
    '',
  ];
  for (const target of plan.targets) {
    out.push(heading(target));
    for (const change of target.changes) out.push(...renderChange(change, target));
    for (const p of target.problems) {
      out.push(
        p.reason === 'not_ascii'
          ? `  ! ${p.field}: Microsoft accepts only ASCII here (URL-encode the address)`
          : `  ! ${p.field}: ${p.length} characters, Microsoft's limit is ${p.max}`,
      );
    }
    out.push('');
  }
  if (plan.skipped.length > 0) {
    out.push(`left alone (MyPass ships no text in their language): ${plan.skipped.join(', ')}`, '');
  }
  const changed = plan.targets.filter((t) => t.action !== 'unchanged').length;
  out.push(
    `${plan.targets.length} target(s), ${changed} to change, ${plan.targets.reduce((n, t) => n + t.changes.length, 0)} propert(ies).`,
  );
  return `${out.join('\n')}\n`;
}
