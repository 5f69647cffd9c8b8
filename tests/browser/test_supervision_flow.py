"""督查整改 on a phone: the inspector plans an inspection of 毛市镇, draws a sample in 光荣村, finds the
carer is not the one recorded and files it with a photo; the village director answers with
evidence; the township supervisor re-checks and passes it."""
from shouhu.supervision.models import Finding

from .test_care_flow import register
from .test_register_flow import login

PNG = b"\x89PNG\r\n\x1a\n" + b"0" * 64


def fits(page) -> None:
    assert page.evaluate("document.body.scrollWidth") <= 390, page.url


def photo(name):
    return {"name": name, "mimeType": "image/png", "buffer": PNG}


def test_sample_mismatch_answer_and_recheck(live_server, world, phone, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    for name in ("陆金兰", "陈小明"):
        register(world, name, 30)
    page, base = phone, live_server.url
    login(page, base, "ducha")
    page.goto(base + "/supervision/")
    page.get_by_role("link", name="新建督查").click()
    page.select_option("#id_kind", "unannounced")
    page.get_by_role("button", name="建立督查").click()
    page.wait_for_selector("#draw")
    fits(page)
    page.select_option("#id_village", label="光荣村")
    page.fill("#id_size", "2")
    page.click("#draw")
    page.wait_for_url("**/supervision/samples/*/")
    fits(page)
    card = page.locator(".card[id^=item-]").first
    name = card.locator(".card-header strong").inner_text()
    for check, answer in (("present", "yes"), ("carer", "no"), ("visits", "yes"), ("agreement", "yes")):
        card.locator(f"label[for$='-{check}-{answer}']").click()
    card.locator("textarea[name=note]").fill("实际由姑妈照看")
    card.locator("input[name=photo]").set_input_files(photo("现场.png"))
    card.get_by_role("button", name="保存核查结果").click()
    page.wait_for_selector("text=已登记问题")
    f = Finding.objects.get()
    assert f.child.name == name and f.checks == ["carer"] and f.files.count() == 1

    page.context.clear_cookies()  # the inspector signed out
    login(page, base, "zhuren")
    page.goto(base + "/supervision/")
    page.get_by_role("link", name="实地核查与档案不符").click()
    assert "实际照护人" in page.inner_text("main") and name in page.inner_text("main")
    fits(page)
    page.fill("#id_answer-note", "已将照护人更正为姑妈，补签协议")
    page.set_input_files("#id_answer-files", photo("协议.png"))
    page.get_by_role("button", name="提交整改").click()
    page.wait_for_selector("#state:has-text('已整改待复核')")

    page.context.clear_cookies()
    login(page, base, "dudao")
    page.goto(base + f"/supervision/findings/{f.pk}/")
    page.get_by_role("button", name="复核通过").click()
    page.wait_for_selector("#state:has-text('复核通过')")
    fits(page)
    assert "已将照护人更正为姑妈" in page.inner_text("#timeline")
    page.screenshot(path=str(tmp_path / "finding.png"), full_page=True)
