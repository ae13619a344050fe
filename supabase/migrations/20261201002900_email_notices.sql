-- The product's notices go through the one email path (templates, messages,
-- the send_email job): tracker alerts (a `tracker_alert` template for every
-- organization, one message per manager) and SIM assignment notices (the
-- assignee gets `sim_assignment`). The send job fills {{site_url}} (a late
-- variable) with the SPA's address, so templates link into the app.

create or replace function private.default_email_templates()
returns table (key text, name text, subject text, body_text text, variables text[], late_variables text[])
language sql
immutable
set search_path = ''
as $$
  values
    ('call_follow_up', 'Call follow-up', 'Following up on our call',
     E'Hi {{contact_name}},\n\nThank you for your time on the phone. A short summary of what we discussed:\n\n{{summary}}\n\nNext steps:\n{{next_steps}}\n\nBest regards,\n{{sender_name}}',
     array['contact_name', 'summary', 'next_steps', 'sender_name'], '{}'::text[]),
    ('referral_introduction', 'Referral introduction', '{{referrer_name}} suggested we get in touch',
     E'Hi {{referred_name}},\n\n{{referrer_name}} thought you might like to hear from {{org_name}}. Would you have a few minutes for a call this week?\n\nBest regards,\n{{sender_name}}',
     array['referred_name', 'referrer_name', 'org_name', 'sender_name'], '{}'::text[]),
    ('sim_assignment', 'SIM assignment', 'New practice session: {{sim_name}}',
     E'Hi {{assignee_name}},\n\n{{assigner_name}} assigned you the practice session "{{sim_name}}" (due {{due_date}}).\n\nStart it here: {{site_url}}/app/sims',
     array['assignee_name', 'assigner_name', 'sim_name', 'due_date'], array['site_url']),
    ('goal_reached', 'Goal reached', 'Goal reached: {{goal_name}}',
     E'Congratulations {{member_name}}!\n\nYou reached your goal "{{goal_name}}": {{actual}} of {{target}}.',
     array['member_name', 'goal_name', 'actual', 'target'], '{}'::text[]),
    ('invitation', 'Invitation', 'You''re invited to join {{org_name}} on SalesPulse',
     E'You''ve been invited to join {{org_name}} on SalesPulse as {{role}}.\n\nAccept the invitation: {{accept_link}}\n\nThe link works once and expires on {{expires_at}}.',
     array['org_name', 'role', 'expires_at'], array['accept_link']),
    ('tracker_alert', 'Tracker alert', 'Tracker "{{tracker_name}}" fired on a call',
     E'The tracker "{{tracker_name}}" of {{org_name}} was heard on a new call:\n\n{{hits}}\n\nOpen the call: {{site_url}}{{call_path}}',
     array['tracker_name', 'org_name', 'hits', 'call_path'], array['site_url']);
$$;

insert into public.email_templates (org_id, key, name, subject, body_text, variables, late_variables)
select o.id, d.key, d.name, d.subject, d.body_text, d.variables, d.late_variables
  from public.organizations o cross join private.default_email_templates() d
 where d.key = 'tracker_alert'
on conflict (org_id, key) do nothing;
-- The SIM assignment template links into the app now (organizations that have
-- not edited it get the new text).
update public.email_templates e
   set body_text = d.body_text, variables = d.variables, late_variables = d.late_variables
  from private.default_email_templates() d
 where d.key = 'sim_assignment' and e.key = 'sim_assignment' and e.updated_by is null;

-- The one place a tracker alert email is queued: the organization's owners,
-- admins and managers each get the template with the hits (time, speaker,
-- term) and the call's path; once per tracker, call and recipient.
create or replace function private.enqueue_tracker_alert_email(p_org_id uuid, p_tracker_id uuid, p_call_id uuid)
returns void
language plpgsql
set search_path = ''
as $$
declare
  v_vars jsonb;
  v_to text;
begin
  select jsonb_build_object(
           'tracker_name', t.name,
           'org_name', o.name,
           'call_path', '/app/calls/' || p_call_id::text,
           'hits', coalesce((
             select string_agg(format('  %s:%s  %s: "%s"', floor(h.time_seconds / 60)::int,
                                      lpad((floor(h.time_seconds)::int % 60)::text, 2, '0'), h.speaker, h.term),
                               E'\n' order by h.time_seconds)
               from (select * from public.tracker_hits where tracker_id = p_tracker_id and call_id = p_call_id
                      order by time_seconds limit 20) h), ''))
    into v_vars
    from public.trackers t join public.organizations o on o.id = t.org_id
   where t.id = p_tracker_id;
  if v_vars is null then
    return;
  end if;
  for v_to in
    select distinct p.email from public.memberships m join public.profiles p on p.id = m.user_id
     where m.org_id = p_org_id and m.role in ('owner', 'admin', 'manager') and p.email is not null
  loop
    perform private.send_email(p_org_id, v_to, 'tracker_alert', v_vars,
      p_source_type => 'call', p_source_id => p_call_id,
      p_dedupe_key => 'tracker-alert:' || p_tracker_id::text || ':' || p_call_id::text || ':' || v_to);
  end loop;
end;
$$;

-- SIM assignment notices: the assignee is emailed when a SIM is assigned.
create or replace function private.sim_assignment_notice()
returns trigger
language plpgsql
-- security definer: reads the assignee's and the assigner's profiles.
security definer
set search_path = ''
as $$
declare
  v record;
begin
  select p.email,
         coalesce(nullif(btrim(p.full_name), ''), p.email) as assignee,
         t.name as sim_name,
         coalesce((select coalesce(nullif(btrim(a.full_name), ''), a.email) from public.profiles a where a.id = new.assigned_by),
                  'Your manager') as assigner
    into v
    from public.profiles p, public.sim_templates t
   where p.id = new.user_id and t.id = new.template_id;
  if v.email is not null then
    perform private.send_email(new.org_id, v.email, 'sim_assignment',
      jsonb_build_object('assignee_name', v.assignee, 'assigner_name', v.assigner, 'sim_name', v.sim_name,
                         'due_date', coalesce(to_char(new.due_at at time zone 'UTC', 'FMDay, DD Mon YYYY'), 'no due date')),
      p_source_type => 'sim', p_source_id => new.id, p_dedupe_key => 'sim-assignment:' || new.id::text);
  end if;
  return null;
end;
$$;
comment on function private.sim_assignment_notice() is
  'AFTER INSERT on sims: emails the assignee the sim_assignment template (through private.send_email).';
