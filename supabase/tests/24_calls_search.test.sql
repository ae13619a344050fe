-- search_calls bounds its text parameters before any text search runs (SP400);
-- the query without the bounds is not callable by anon.
begin;
\ir fixtures.sql
select plan(6);
select tests.create_user('owner');
select tests.create_org('hco', 'owner');
select tests.create_call('c1', 'hco', null, 'analyzed', now() - interval '1 hour');
insert into public.transcripts (org_id, call_id, source, full_text, segments) values
  (tests.id('hco'), tests.id('c1'), 'twilio', 'we talked about solar panels', '[]');

select tests.authenticate_as('owner');
select is((select count(*)::int from public.search_calls(p_query => 'solar')), 1, 'a search finds the call');
select is((select count(*)::int from public.search_calls(p_query => repeat('a', 200))), 0, 'a 200-character query is answered');
select throws_ok($$select * from public.search_calls(p_query => repeat('a ', 101))$$, 'SP400', null,
  'a 202-character query is refused with SP400');
select throws_ok($$select * from public.search_calls(p_query => repeat('word ', 40000))$$, 'SP400', null,
  'so is a 200 KB one, before any text search runs');
select throws_ok($$select * from public.search_calls(p_outcome => repeat('x', 33))$$, 'SP400', null, 'filters are bounded too');
select tests.clear_authentication();
select function_privs_are('private', 'search_calls_unbounded',
  array['text', 'date', 'date', 'uuid', 'text', 'text', 'text', 'integer', 'integer'], 'anon', array[]::text[]);

select * from finish();
rollback;
