-- The analysis model: plan default (mini-class), the organization's setting
-- (owners and admins, bounded to the allowed list, audited), the budget cap's
-- cheaper model, and the model to escalate to — one function for the analyzer.
begin;
select plan(22);
\ir fixtures.sql

select tests.create_tenants();

-- Plan default ---------------------------------------------------------------------
select tests.authenticate_as_service_role();
select is(public.analysis_model(tests.id('acme')),
  '{"model": "gpt-4o-mini", "reason": null, "source": "plan", "escalation_model": "gpt-4o"}'::jsonb,
  'without a setting: the plan''s default, a mini-class model, escalating to gpt-4o');
update public.plans set limits = limits || '{"analysis_model": "gpt-4o"}' where key = 'free';
select is(public.analysis_model(tests.id('acme')) ->> 'model', 'gpt-4o', 'a plan can name another default');
select is(public.analysis_model(tests.id('acme')) -> 'escalation_model', 'null'::jsonb, 'no escalation from the larger model');
update public.plans set limits = limits - 'analysis_model' where key = 'free';

-- The organization's setting -------------------------------------------------------------
select tests.authenticate_as('acme_manager');
select throws_ok($$ select public.set_analysis_model(tests.id('acme'), 'gpt-4o') $$, 'SP403', null, 'managers do not choose the model');
select tests.authenticate_as('acme_agent1');
select throws_ok($$ select public.set_analysis_model(tests.id('acme'), 'gpt-4o') $$, 'SP403', null, 'nor do agents');
select tests.authenticate_as('globex_owner');
select throws_ok($$ select public.set_analysis_model(tests.id('acme'), 'gpt-4o') $$, 'SP403', null, 'nor owners of another organization');
select tests.authenticate_as_anon();
select throws_ok($$ select public.set_analysis_model(tests.id('acme'), 'gpt-4o') $$, '42501', null, 'nor the anonymous');

select tests.authenticate_as('acme_admin');
select throws_ok($$ select public.set_analysis_model(tests.id('acme'), 'gpt-5-ultra') $$, 'SP400', null, 'only models of the allowed list');
select throws_ok($$ select public.set_analysis_model(tests.id('acme'), repeat('x', 10000)) $$, 'SP400', null, 'however long');
select throws_ok($$ update public.organizations set analysis_model = 'gpt-5-ultra' where id = tests.id('acme') $$, '42501', null,
  'the column is written through set_analysis_model only');
select lives_ok($$ select public.set_analysis_model(tests.id('acme'), 'gpt-4o') $$, 'admins choose the model');
select is((public.analysis_model_options(tests.id('acme')) ->> 'selected'), 'gpt-4o', 'members read the choice');
select is((public.analysis_model_options(tests.id('acme')) -> 'models'), '["gpt-4o-mini", "gpt-4o"]'::jsonb, 'and the models to choose from');
select is((public.analysis_model_options(tests.id('acme')) ->> 'plan_default'), 'gpt-4o-mini', 'and the plan''s default');
select is((select actor_id from public.audit_logs where table_name = 'organizations' and operation = 'UPDATE'
             and new_values ->> 'analysis_model' = 'gpt-4o' order by id desc limit 1),
  tests.id('acme_admin'), 'the change is audited with who made it');

select tests.authenticate_as('globex_owner');
select throws_ok($$ select public.analysis_model_options(tests.id('acme')) $$, 'SP403', null, 'other organizations do not read it');

select tests.authenticate_as('acme_owner');
select throws_ok($$ select public.analysis_model(tests.id('acme')) $$, '42501', null, 'the analyzer''s function is backend only');

select tests.authenticate_as_service_role();
select is(public.analysis_model(tests.id('acme')),
  '{"model": "gpt-4o", "reason": null, "source": "organization", "escalation_model": null}'::jsonb,
  'the organization''s setting wins over the plan''s default');
select is(public.analysis_model(tests.id('globex')) ->> 'model', 'gpt-4o-mini', 'other organizations keep the plan''s');

-- The budget cap comes after the setting --------------------------------------------------
insert into public.budget_caps (org_id, monthly_usd, switch_at) values (tests.id('acme'), 1, 0.8);
insert into public.provider_costs (org_id, provider, item, quantity, unit_price_usd, cost_usd, source_type, source_id)
values (tests.id('acme'), 'twilio', 'voice_minutes', 100, 0.0085, 0.85, 'test', gen_random_uuid());
select is(public.analysis_model(tests.id('acme')) ->> 'model', 'gpt-4o-mini', 'near the cap: the cap''s cheaper model');
select matches(public.analysis_model(tests.id('acme')) ->> 'reason', '^budget: .*; gpt-4o-mini instead of gpt-4o$', 'and why');

-- Both models are priced ------------------------------------------------------------------
select is((select count(distinct item)::int from public.provider_prices
            where provider = 'openai' and item in ('gpt-4o:input_tokens', 'gpt-4o:output_tokens', 'gpt-4o-mini:input_tokens', 'gpt-4o-mini:output_tokens')),
  4, 'every allowed model has input and output prices');

select * from finish();
rollback;
