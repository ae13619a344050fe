-- Redaction settings: which PII types an organization redacts.
begin;
\ir fixtures.sql
select plan(8);
select tests.create_tenants();

select function_privs_are('public', 'set_redaction_types', array['uuid', 'text[]'], 'anon', array[]::text[]);

select tests.authenticate_as('acme_admin');
select is(public.set_redaction_types(tests.id('acme'), array['SSN', 'CARD', 'DOB']),
          '["SSN", "CARD", "DOB"]'::jsonb, 'an admin chooses the types');
select is((select settings -> 'redact_types' from public.organizations where id = tests.id('acme')),
          '["SSN", "CARD", "DOB"]'::jsonb, 'stored in the organization settings');
select throws_ok($$select public.set_redaction_types(tests.id('acme'), array['SSN', 'SHOE_SIZE'])$$,
                 'SP400', null, 'unknown types are refused');
select throws_ok($$update public.organizations set settings = settings || '{"redact_types":"SSN"}' where id = tests.id('acme')$$,
                 '23514', null, 'a direct update must still be an array of known types');

select tests.authenticate_as('acme_manager');
select throws_ok($$select public.set_redaction_types(tests.id('acme'), array['SSN'])$$,
                 'SP403', null, 'a manager cannot change redaction');

select tests.authenticate_as('globex_owner');
select throws_ok($$select public.set_redaction_types(tests.id('acme'), array['SSN'])$$,
                 'SP403', null, 'nor another organization''s owner');

select tests.clear_authentication();
select is((select settings -> 'redact_types' from public.organizations where id = tests.id('acme')),
          '["SSN", "CARD", "DOB"]'::jsonb, 'unchanged by the refused calls');

select * from finish();
rollback;
