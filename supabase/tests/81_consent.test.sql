-- Consent ledger: the jurisdiction of the caller's number (area code for
-- US/Canada, else the country passed in, else unknown), its rule, whether the
-- notice played; analysis allowed only with the consent the rule requires;
-- the first writer wins; members read it only for calls they can see.
begin;
select plan(12);
\ir fixtures.sql

select tests.create_tenants();
select tests.create_call('c_ca', 'acme');
select tests.create_call('c_ny', 'acme');
select tests.create_call('c_de', 'acme');
select tests.create_call('c_unknown', 'acme');
select tests.create_call('c_ca_notice', 'acme');
update public.calls set from_number = '+14155550100' where id in (tests.id('c_ca'), tests.id('c_ca_notice'));
update public.calls set from_number = '+12125550100' where id = tests.id('c_ny');
update public.calls set from_number = '+4930123456' where id = tests.id('c_de');
update public.calls set from_number = '+9991234567' where id = tests.id('c_unknown');

select tests.authenticate_as_service_role();
select is(public.record_call_consent(tests.id('c_ca'), 'US', '', 'analyzer') ->> 'region', 'US-CA', 'a 415 number is in California');
select is((select analysis_allowed from public.call_consents where call_id = tests.id('c_ca')), false,
  'California needs every party: no notice, no analysis');
select matches(public.record_call_consent(tests.id('c_ca'), 'US', 'late notice', 'voice') ->> 'reason', 'US-CA requires every party',
  'the reason names the jurisdiction');
select is((select notice_played from public.call_consents where call_id = tests.id('c_ca')), false, 'the first writer wins');
select is((public.record_call_consent(tests.id('c_ca_notice'), 'US', 'This call may be recorded.', 'voice') ->> 'analysis_allowed')::boolean, true,
  'with the notice played, a California call is analyzed');
select is((select notice_text from public.call_consents where call_id = tests.id('c_ca_notice')), 'This call may be recorded.', 'the ledger keeps the notice text');
select is((public.record_call_consent(tests.id('c_ny'), 'US', '', 'analyzer') ->> 'rule'), 'one_party', 'New York is one-party');
select is((public.record_call_consent(tests.id('c_de'), 'DE', '', 'analyzer') ->> 'analysis_allowed')::boolean, false, 'Germany needs every party');
select is((public.record_call_consent(tests.id('c_unknown'), '', '', 'analyzer') ->> 'region'), 'ZZ', 'an unknown region');
select is((select rule from public.call_consents where call_id = tests.id('c_unknown')), 'all_party', 'is treated as every party');
select tests.clear_authentication();

select tests.authenticate_as('acme_manager');
select is((select count(*)::int from public.call_consents where org_id = tests.id('acme')), 5, 'managers read their calls'' consent');
select tests.authenticate_as('globex_manager');
select is((select count(*)::int from public.call_consents where org_id = tests.id('acme')), 0, 'another tenant reads none');

select * from finish();
rollback;
