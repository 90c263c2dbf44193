"""Organizations account creation as AWS does it, where moto 5.2.1 differs.

* CreateAccount is asynchronous in AWS: it answers with a CreateAccountStatus whose State is IN_PROGRESS, and
  DescribeCreateAccountStatus reports IN_PROGRESS until the account is ready, then SUCCEEDED with the AccountId
  (https://docs.aws.amazon.com/organizations/latest/APIReference/API_CreateAccount.html,
  https://docs.aws.amazon.com/organizations/latest/APIReference/API_DescribeCreateAccountStatus.html). moto answers
  SUCCEEDED at once, so a client that never waits (or waits wrongly) would pass here. Here each request reports
  IN_PROGRESS on its first DescribeCreateAccountStatus, SUCCEEDED after. Deliberate deviation: the CreateAccount answer
  keeps the AccountId moto gives it (AWS leaves it out until SUCCEEDED), because the tests' seeding helpers read it.
* The new account gets the role named by RoleName (default OrganizationAccountAccessRole) trusting the management
  account: moto already does this (FakeAccount), nothing to add.
* Every CreateAccount and MoveAccount is written to the emulator's log as one line
  (`rootlock-emulator organizations CreateAccount <id> parent <root>` / `... MoveAccount <id> <from> -> <to>`), so a
  test can check where a created account was, and for how long, from the calls the emulator really saw.
"""
import sys

from moto.organizations import models as org_models

_described = set()


def _log(line: str) -> None:
    sys.stderr.write(f"rootlock-emulator organizations {line}\n")
    sys.stderr.flush()


def install() -> None:
    backend_class = org_models.OrganizationsBackend
    original_create = backend_class.create_account
    original_describe = backend_class.describe_create_account_status
    original_move = backend_class.move_account

    def create_account(self, **kwargs):
        result = original_create(self, **kwargs)
        status = dict(result["CreateAccountStatus"])
        status["State"] = "IN_PROGRESS"
        status.pop("CompletedTimestamp", None)
        account = self.get_account_by_id(status["AccountId"])
        _log(f"CreateAccount {account.id} parent {account.parent_id}")
        return {"CreateAccountStatus": status}

    def describe_create_account_status(self, **kwargs):
        result = original_describe(self, **kwargs)
        request_id = kwargs["CreateAccountRequestId"]
        if request_id in _described:
            return result
        _described.add(request_id)
        status = {k: v for k, v in result["CreateAccountStatus"].items() if k not in ("AccountId", "CompletedTimestamp")}
        status["State"] = "IN_PROGRESS"
        return {"CreateAccountStatus": status}

    def move_account(self, **kwargs):
        before = self.get_account_by_id(kwargs["AccountId"]).parent_id
        result = original_move(self, **kwargs)
        _log(f"MoveAccount {kwargs['AccountId']} {before} -> {kwargs['DestinationParentId']}")
        return result

    backend_class.create_account = create_account
    backend_class.describe_create_account_status = describe_create_account_status
    backend_class.move_account = move_account
